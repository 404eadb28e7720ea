//! Usage history per claim: the samples of every stats poll (and, when the
//! user has Prometheus, days of older ones), bounded per claim.
//!
//! The bound keeps recent samples at full resolution and thins older ones:
//! when a claim's history is full, every second sample of its older half is
//! dropped. Memory stays fixed per claim while the history still reaches back
//! as far as it ever did.

use std::collections::VecDeque;

use jiff::Timestamp;

use super::VolumeUsage;

/// Samples kept per claim (about 40 bytes each).
pub const MAX_SAMPLES: usize = 1024;

/// One reading of a claim's usage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    pub at: Timestamp,
    pub used_bytes: u64,
    pub capacity_bytes: u64,
    pub inodes_used: u64,
    /// 0 when the volume reports no inodes (block volumes, some drivers).
    pub inodes: u64,
}

impl Sample {
    pub fn from_usage(at: Timestamp, u: &VolumeUsage) -> Sample {
        Sample {
            at,
            used_bytes: u.used_bytes,
            capacity_bytes: u.capacity_bytes,
            inodes_used: u.inodes_used,
            inodes: u.inodes,
        }
    }
}

/// The samples of one claim, oldest first, at most [`MAX_SAMPLES`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    samples: VecDeque<Sample>,
}

impl History {
    /// Adds a sample in time order; a sample at a time already held
    /// replaces it (a poll and Prometheus may report the same instant).
    pub fn push(&mut self, s: Sample) {
        match self.samples.back() {
            Some(last) if last.at < s.at => self.samples.push_back(s),
            None => self.samples.push_back(s),
            Some(_) => match self.samples.binary_search_by(|x| x.at.cmp(&s.at)) {
                Ok(i) => self.samples[i] = s,
                Err(i) => self.samples.insert(i, s),
            },
        }
        self.bound(MAX_SAMPLES);
    }

    /// Adds many samples (in any order), then applies the bound once.
    pub fn merge(&mut self, samples: impl IntoIterator<Item = Sample>) {
        let mut all: Vec<Sample> = self.samples.drain(..).chain(samples).collect();
        // Stable: for equal times the later (newer report) wins below.
        all.sort_by_key(|s| s.at);
        let mut out: VecDeque<Sample> = VecDeque::with_capacity(all.len());
        for s in all {
            match out.back_mut() {
                Some(last) if last.at == s.at => *last = s,
                _ => out.push_back(s),
            }
        }
        self.samples = out;
        self.bound(MAX_SAMPLES);
    }

    fn bound(&mut self, max: usize) {
        while self.samples.len() > max {
            let half = self.samples.len() / 2;
            let mut i = 0usize;
            self.samples.retain(|_| {
                let keep = i >= half || i.is_multiple_of(2);
                i += 1;
                keep
            });
        }
    }

    pub fn len(&self) -> usize {
        self.samples.len()
    }

    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }

    pub fn latest(&self) -> Option<&Sample> {
        self.samples.back()
    }

    /// Oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Sample> + ExactSizeIterator {
        self.samples.iter()
    }

    /// A contiguous copy, oldest first (for the forecast's fit).
    pub fn to_vec(&self) -> Vec<Sample> {
        self.samples.iter().copied().collect()
    }
}

/// Where the history beyond the live polls comes from, and how loading it went.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum HistorySource {
    /// No Prometheus configured: live polls only.
    #[default]
    LiveOnly,
    Loading {
        from: String,
    },
    Loaded {
        from: String,
        claims: usize,
        samples: usize,
    },
    /// Prometheus configured but not usable; live polls only.
    Failed {
        from: String,
        /// `unreachable`, `forbidden`, `no kubelet_volume_stats series`, …
        reason: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> Timestamp {
        Timestamp::from_second(1_700_000_000 + s).unwrap()
    }

    fn sample(s: i64, used: u64) -> Sample {
        Sample {
            at: at(s),
            used_bytes: used,
            capacity_bytes: 1000,
            inodes_used: 1,
            inodes: 10,
        }
    }

    #[test]
    fn keeps_time_order_and_replaces_equal_times() {
        let mut h = History::default();
        h.push(sample(10, 1));
        h.push(sample(30, 3));
        h.push(sample(20, 2));
        h.push(sample(30, 4));
        let used: Vec<u64> = h.iter().map(|s| s.used_bytes).collect();
        assert_eq!(used, vec![1, 2, 4]);
        h.merge([sample(5, 0), sample(20, 9)]);
        let used: Vec<u64> = h.iter().map(|s| s.used_bytes).collect();
        assert_eq!(used, vec![0, 1, 9, 4]);
    }

    #[test]
    fn the_bound_thins_old_samples_and_keeps_recent_ones() {
        let mut h = History::default();
        for i in 0..(MAX_SAMPLES as i64 + 1) {
            h.push(sample(i, i as u64));
        }
        assert!(h.len() <= MAX_SAMPLES);
        // The oldest sample and every recent one are still there.
        assert_eq!(h.iter().next().unwrap().at, at(0));
        let recent: Vec<i64> = h
            .iter()
            .rev()
            .take(100)
            .map(|s| s.at.as_second() - 1_700_000_000)
            .collect();
        assert_eq!(recent[0], MAX_SAMPLES as i64);
        assert!(recent.windows(2).all(|w| w[0] - w[1] == 1));
        // Thinned in the older half: gaps of two there.
        let old: Vec<i64> = h
            .iter()
            .take(3)
            .map(|s| s.at.as_second() - 1_700_000_000)
            .collect();
        assert_eq!(old, vec![0, 2, 4]);
    }
}
