//! Recognising descriptor exhaustion: `EMFILE` (this process is at its limit) and `ENFILE` (the
//! system is).

use rustix::io::Errno;

/// Whether `err` is `EMFILE` or `ENFILE`.
pub fn is_exhaustion(err: &std::io::Error) -> bool {
    matches!(Errno::from_io_error(err), Some(Errno::MFILE | Errno::NFILE))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emfile_and_enfile_only() {
        let os = |e: Errno| std::io::Error::from_raw_os_error(e.raw_os_error());
        assert!(is_exhaustion(&os(Errno::MFILE)));
        assert!(is_exhaustion(&os(Errno::NFILE)));
        assert!(!is_exhaustion(&os(Errno::NOENT)));
        assert!(!is_exhaustion(&std::io::Error::other("too many open files")));
    }
}
