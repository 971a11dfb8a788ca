/// mlgit's version: `mlgit --version`, the manual page, the reports' tool version.
public enum MLGitVersion {
  public static let current = "0.1.0"
}
