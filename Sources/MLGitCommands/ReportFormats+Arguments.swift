import ArgumentParser
import MLGitReport

// The report library knows nothing of the command line: its choices are parsed here.
extension ColourChoice: ExpressibleByArgument {}
extension OutputFormat: ExpressibleByArgument {}
extension ReportFormat: ExpressibleByArgument {}
extension ListingFormat: ExpressibleByArgument {}
