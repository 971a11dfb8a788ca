import MLGitCommands

MLGitMain.main()
