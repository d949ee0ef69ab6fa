//! Whether output is coloured: `--color auto|always|never` and the `NO_COLOR` convention
//! (<https://no-color.org>: set and not empty, it turns colour off unless `--color always`). Applied
//! to `--help`, the logs, the progress bar and `vanban diff`.

use std::io::IsTerminal;

/// `--color`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ColorChoice {
    /// Colour when the stream is a terminal and `NO_COLOR` is not set.
    #[default]
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

impl ColorChoice {
    /// Whether to colour a stream that is (or is not) a terminal.
    pub fn enabled(self, terminal: bool) -> bool {
        self.enabled_with(terminal, std::env::var_os("NO_COLOR"))
    }

    fn enabled_with(self, terminal: bool, no_color: Option<std::ffi::OsString>) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => terminal && no_color.map_or(true, |v| v.is_empty()),
        }
    }

    /// For standard error.
    pub fn stderr(self) -> bool {
        self.enabled(std::io::stderr().is_terminal())
    }

    /// For standard output.
    pub fn stdout(self) -> bool {
        self.enabled(std::io::stdout().is_terminal())
    }

    /// The choice as clap's, for `--help` and usage errors.
    pub fn for_clap(self) -> clap::ColorChoice {
        match self {
            ColorChoice::Auto if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) => {
                clap::ColorChoice::Never
            }
            ColorChoice::Auto => clap::ColorChoice::Auto,
            ColorChoice::Always => clap::ColorChoice::Always,
            ColorChoice::Never => clap::ColorChoice::Never,
        }
    }

    /// `--color` as found in the raw arguments, before they are parsed (so that `--help` and
    /// usage errors follow it too); the last one wins, as clap does.
    pub fn from_args(args: &[std::ffi::OsString]) -> ColorChoice {
        let mut choice = ColorChoice::Auto;
        let mut it = args.iter().map(|a| a.to_string_lossy());
        while let Some(a) = it.next() {
            if a == "--" {
                break;
            }
            let value = match a.strip_prefix("--color") {
                Some("") => it.next().map(|v| v.into_owned()),
                Some(v) => v.strip_prefix('=').map(str::to_string),
                None => None,
            };
            if let Some(v) = value {
                choice = match v.as_str() {
                    "always" => ColorChoice::Always,
                    "never" => ColorChoice::Never,
                    _ => ColorChoice::Auto,
                };
            }
        }
        choice
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_turns_auto_off_only() {
        let set = || Some(std::ffi::OsString::from("1"));
        assert!(ColorChoice::Auto.enabled_with(true, None));
        assert!(!ColorChoice::Auto.enabled_with(false, None));
        assert!(!ColorChoice::Auto.enabled_with(true, set()));
        assert!(ColorChoice::Auto.enabled_with(true, Some("".into())));
        assert!(ColorChoice::Always.enabled_with(false, set()));
        assert!(!ColorChoice::Never.enabled_with(true, None));
    }

    #[test]
    fn color_is_found_before_parsing() {
        let args = |v: &[&str]| v.iter().map(std::ffi::OsString::from).collect::<Vec<_>>();
        assert_eq!(
            ColorChoice::from_args(&args(&["vanban", "--color", "never", "diff"])),
            ColorChoice::Never
        );
        assert_eq!(
            ColorChoice::from_args(&args(&["vanban", "diff", "--color=always"])),
            ColorChoice::Always
        );
        assert_eq!(
            ColorChoice::from_args(&args(&["vanban", "diff"])),
            ColorChoice::Auto
        );
    }
}
