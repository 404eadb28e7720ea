//! Frame timing: deriving the views and drawing them on a `TestBackend`.

use super::*;

pub(super) fn clock(now: Timestamp) -> String {
    now.strftime("%H:%M:%S").to_string()
}

pub(super) fn key(code: KeyCode) -> TermEvent {
    TermEvent::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub(super) fn draw(
    app: &App,
    terminal: &mut Terminal<TestBackend>,
    theme: &Theme,
) -> Result<ScreenView> {
    let now = Timestamp::now();
    let frame = app.frame_view(now, &clock(now));
    terminal
        .draw(|f| ui::draw(f, &frame, theme))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(frame.screen)
}

/// Frame times at one size: (median, p99) of derive+draw, median of derive.
pub(super) fn frame_times(
    app: &App,
    width: u16,
    height: u16,
    n: usize,
    theme: &Theme,
) -> Result<(Duration, Duration, Duration)> {
    let mut terminal = Terminal::new(TestBackend::new(width, height))?;
    let mut total = Vec::with_capacity(n);
    let mut derive = Vec::with_capacity(n);
    for _ in 0..n.max(1) {
        let t0 = Instant::now();
        let now = Timestamp::now();
        let frame = app.frame_view(now, "00:00:00");
        let t1 = Instant::now();
        terminal
            .draw(|f| ui::draw(f, &frame, theme))
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        total.push(t0.elapsed());
        derive.push(t1 - t0);
    }
    total.sort();
    derive.sort();
    Ok((
        quantile(&total, 0.5),
        quantile(&total, 0.99),
        quantile(&derive, 0.5),
    ))
}

/// Frame times when one Pod changed before each frame (the incremental
/// path: only that Pod's set is re-derived): (median, p99).
pub(super) fn frame_times_after_change(
    app: &mut App,
    pods: &[(String, String)],
    width: u16,
    height: u16,
    n: usize,
    theme: &Theme,
) -> Result<(Duration, Duration)> {
    let mut terminal = Terminal::new(TestBackend::new(width, height))?;
    let mut total = Vec::with_capacity(n);
    for i in 0..n.max(1) {
        let (ns, name) = &pods[i % pods.len().max(1)];
        let Some(mut pod) = app.store.pod(ns, name).cloned() else {
            bail!("pod {ns}/{name} is not in the store");
        };
        pod.restarts += 1;
        let now = Timestamp::now();
        app.apply(StoreEvent::Applied(crate::store::Object::Pod(pod)), now);
        let t0 = Instant::now();
        let frame = app.frame_view(now, "00:00:00");
        terminal
            .draw(|f| ui::draw(f, &frame, theme))
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        total.push(t0.elapsed());
    }
    total.sort();
    Ok((quantile(&total, 0.5), quantile(&total, 0.99)))
}

/// Median time of `f` over `n` runs.
pub(super) fn median_of(n: usize, mut f: impl FnMut()) -> Duration {
    let mut v: Vec<Duration> = (0..n.max(1))
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    v.sort();
    quantile(&v, 0.5)
}
