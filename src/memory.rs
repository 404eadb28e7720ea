//! Process-wide memory settings, applied first thing in `main` (before any
//! thread starts).
//!
//! glibc's malloc gives each thread that contends for the heap its own arena
//! (up to 8 per core) and keeps what is freed in each. The watch tasks
//! parse whole pages of objects on tokio's worker threads, free them, and the
//! store keeps only slim copies; with many arenas those freed pages stay
//! resident. One arena per thread that runs at once (tokio's workers, one per
//! core, and the UI) avoids lock contention, and fewer arenas than that made
//! the initial sync three times slower on 2 cores; see the README's
//! Performance section for the figures.

/// How many arenas to allow: `ORDINAL_MALLOC_ARENAS` when set (0: leave
/// glibc's default), else one per core plus one. `None`: change nothing.
pub fn arena_count(setting: Option<&str>, cores: usize) -> Option<i32> {
    let n = match setting.map(str::trim) {
        Some(v) => v.parse::<i32>().ok()?,
        None => i32::try_from(cores).unwrap_or(i32::MAX - 1) + 1,
    };
    (n > 0).then_some(n)
}

/// Applies [`arena_count`] (a no-op with C libraries other than glibc).
pub fn limit_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let setting = std::env::var("ORDINAL_MALLOC_ARENAS").ok();
        if let Some(arenas) = arena_count(setting.as_deref(), cores) {
            // SAFETY: mallopt only sets a tunable; it is called before any
            // other thread exists.
            unsafe {
                libc::mallopt(libc::M_ARENA_MAX, arenas);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::arena_count;

    #[test]
    fn one_arena_per_core_plus_the_ui_unless_told() {
        assert_eq!(arena_count(None, 2), Some(3));
        assert_eq!(arena_count(None, 8), Some(9));
        assert_eq!(arena_count(Some("4"), 2), Some(4));
        assert_eq!(arena_count(Some(" 1 "), 2), Some(1));
        // 0 or nonsense: glibc's own default.
        assert_eq!(arena_count(Some("0"), 2), None);
        assert_eq!(arena_count(Some("many"), 2), None);
    }
}
