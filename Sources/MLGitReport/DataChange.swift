/// A declared data file whose name, path or hash changed.
public struct DataChange: Equatable, Sendable {
  public var name: String
  public var path: String
  /// The hash before the change (nil: the file was not declared).
  public var old: String?
  /// The hash after the change (nil: no longer declared).
  public var new: String?

  public init(name: String, path: String, old: String?, new: String?) {
    self.name = name
    self.path = path
    self.old = old
    self.new = new
  }
}
