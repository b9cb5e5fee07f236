/// Grove's own version, and the GitLab version whose REST API it follows: what
/// `grove --version`, the shell's banner, `GET /api/v4/version`, the OpenAPI document and
/// hook deliveries' `User-Agent` say.
public enum GroveVersion {
    public static let grove = "0.1.0"
    /// The GitLab release whose API the seeds describe.
    public static let gitlab = "18.0.0"
    /// `GET /api/v4/version`'s `version`: GitLab's, marked as Grove's.
    public static let version = gitlab + "-grove"
    public static let revision = "grove"
}
