//! The sim and client runtimes the 10k benchmark runs on, and a terminal
//! sink that counts bytes and reports flushes.

use super::*;

/// The sim serving `state` on a runtime of its own (one thread), and the
/// client's runtime (two threads, each registered in `threads` so its CPU
/// is counted apart from the sim's).
pub(super) struct Rig {
    pub(super) sim_rt: tokio::runtime::Runtime,
    pub(super) client_rt: tokio::runtime::Runtime,
    pub(super) threads: Threads,
    pub(super) sim: Arc<SimServer>,
}

pub(super) fn rig(state: crate::sim::state::SimState) -> Result<Rig> {
    let sim_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("sim")
        .enable_all()
        .build()?;
    let threads = Threads::default();
    let registry = threads.clone();
    let client_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("client")
        .on_thread_start(move || registry.register())
        .enable_all()
        .build()?;
    threads.register();
    let sim = sim_rt.block_on(SimServer::start(SimConfig {
        auto_tick: false,
        ..SimConfig::default()
    }))?;
    sim.with_state(|s| *s = state);
    Ok(Rig {
        sim_rt,
        client_rt,
        threads,
        sim: Arc::new(sim),
    })
}

// ---- a terminal sink that counts bytes and reports flushes ----

#[derive(Clone)]
pub(super) struct Sink {
    pub(super) bytes: Arc<AtomicU64>,
    pub(super) flushes: mpsc::UnboundedSender<Instant>,
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.bytes.fetch_add(buf.len() as u64, Ordering::Relaxed);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        let _ = self.flushes.send(Instant::now());
        Ok(())
    }
}
