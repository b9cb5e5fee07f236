// JSON values, timestamps and GitLab's text formats live in GroveFormats (no dependency
// beyond Foundation, so each parser can be fuzzed on its own); GroveCore's users see
// them as part of the core.
@_exported import GroveFormats
