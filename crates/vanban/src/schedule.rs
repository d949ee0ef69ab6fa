//! The batch's page scheduler: the pages of all documents share one pool of workers, and the pages
//! that will take longest to OCR go first.
//!
//! Each page passes two steps: *read* (decode, clean up, find the ruled tables: tens of
//! milliseconds) and *recognize* (OCR: 0.3–2.5 s on an A4 scan). Workers read pages ahead, up to
//! twice their number, into a heap ordered by each page's amount of print ([`ScanPage::cost`]), and
//! OCR the heaviest page waiting. A batch thus ends on its lightest pages instead of one worker OCRing
//! a dense page while the others idle: on the 10 fixture scans with 2 workers the idle tail went from
//! 0.8 s to about 0.1 s (see `vanban bench`). Documents are opened largest file first, so a long
//! PDF's pages start early; a document is finished (restored, extracted, written) by the worker that
//! completes its last page. A page that fails fails its document, whose other pages are dropped (a
//! panic inside a step counts as a failure of its document, so no worker waits for it forever);
//! after Ctrl-C no new step starts and unfinished documents are abandoned whole.

use std::cmp::Ordering as CmpOrdering;
use std::collections::{BinaryHeap, HashMap, VecDeque};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use crate::engines::Engines;
use crate::process::{DocError, OpenDoc, PageResult, ReadPage, ScanPage};

/// What the scheduler needs from the batch that runs it.
pub trait Batch: Sync {
    /// What the batch keeps about a document between opening and finishing it.
    type Meta: Send;
    /// Opens document `doc`: `None` when there is no page work (skipped, failed, or a text input the
    /// batch finished itself).
    fn open(&self, doc: usize) -> Option<(OpenDoc, Self::Meta)>;
    /// A page is finished.
    fn page_done(&self);
    /// Document `doc` failed on a panic (a bug met by this input), with the panic's message.
    fn panicked(&self, doc: usize, msg: String);
    /// Document `doc` (open as `open`) is finished: its pages in order, or the first error met.
    fn finish(
        &self,
        doc: usize,
        meta: Self::Meta,
        open: &OpenDoc,
        pages: Result<Vec<PageResult>, DocError>,
    );
}

/// Runs every document of `order` (indices the batch understands, opened in this order) on the
/// workers of `pool`; returns when all are finished or Ctrl-C stopped the run.
pub fn run<B: Batch>(pool: &rayon::ThreadPool, engines: &Engines, batch: &B, order: Vec<usize>) {
    let workers = pool.current_num_threads().max(1);
    let shared = Shared {
        state: Mutex::new(State {
            to_open: order.into(),
            reading: VecDeque::new(),
            slots: HashMap::new(),
            ready: BinaryHeap::new(),
            busy: 0,
            seq: 0,
        }),
        wake: Condvar::new(),
        waited_us: std::sync::atomic::AtomicU64::new(0),
        run_ahead: 2 * workers,
    };
    pool.broadcast(|_| {
        let t0 = std::time::Instant::now();
        warm_heap();
        worker(&shared, engines, batch);
        tracing::debug!("worker done after {:.2} s", t0.elapsed().as_secs_f64());
    });
    tracing::debug!(
        "workers waited {:.2} s in all for a step",
        shared.waited_us.load(Ordering::Relaxed) as f64 / 1e6
    );
}

/// Megabytes of its heap each worker writes before its first page (see [`warm_heap`]).
const WARM_HEAP_MIB: usize = 64;

/// Writes [`WARM_HEAP_MIB`] of this thread's malloc arena and frees it again, so that the page
/// buffers of Tesseract and of the stages reuse memory that is already the process's own.
///
/// Fresh memory is mapped to the kernel's shared zero page on its first read and replaced on its
/// first write; with several workers in one process each replacement interrupts the other cores to
/// flush their TLBs (Leptonica's `pixSetPadBits` reads before it writes). glibc keeps the freed
/// blocks in the arena (the re-execution sets a high trim threshold, see
/// `vanban_ocr::MALLOC_TUNABLES`). Measured on the 10 fixture scans with 2 jobs: TLB-shootdown IPIs
/// 15–21k → 2.3k, system time 0.53–0.66 → 0.25 s, wall 7.4–7.6 → 7.2 s, peak RSS unchanged
/// (218 MiB): the workers' page buffers take that much memory anyway.
fn warm_heap() {
    let blocks: Vec<Vec<u8>> = (0..WARM_HEAP_MIB).map(|_| vec![1u8; 1 << 20]).collect();
    drop(std::hint::black_box(blocks));
}

struct Shared<M> {
    state: Mutex<State<M>>,
    wake: Condvar,
    /// Microseconds workers spent waiting for a step (a figure for `-v`).
    waited_us: std::sync::atomic::AtomicU64,
    /// Pages read and waiting for OCR at most (each holds its page image).
    run_ahead: usize,
}

struct State<M> {
    to_open: VecDeque<usize>,
    /// Open documents with pages left to read, first opened first.
    reading: VecDeque<Reading>,
    slots: HashMap<usize, Slot<M>>,
    ready: BinaryHeap<Ready>,
    /// Steps running now.
    busy: usize,
    seq: u64,
}

struct Reading {
    doc: usize,
    next: u32,
    count: u32,
}

struct Slot<M> {
    open: Arc<OpenDoc>,
    meta: M,
    pages: Vec<Option<PageResult>>,
    /// Pages not finished yet.
    left: u32,
    error: Option<DocError>,
}

/// A prepared page waiting for OCR; the heap gives the one with most print, then the oldest.
struct Ready {
    cost: u64,
    seq: u64,
    doc: usize,
    scan: ScanPage,
}

impl PartialEq for Ready {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == CmpOrdering::Equal
    }
}
impl Eq for Ready {}
impl PartialOrd for Ready {
    fn partial_cmp(&self, other: &Self) -> Option<CmpOrdering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ready {
    fn cmp(&self, other: &Self) -> CmpOrdering {
        self.cost
            .cmp(&other.cost)
            .then_with(|| other.seq.cmp(&self.seq))
    }
}

enum Step {
    Open(usize),
    Read(usize, Arc<OpenDoc>, u32),
    Recognize(usize, ScanPage),
}

/// A finished document, handed to the batch outside the lock.
type Finished<M> = (usize, M, Arc<OpenDoc>, Result<Vec<PageResult>, DocError>);

fn worker<B: Batch>(shared: &Shared<B::Meta>, engines: &Engines, batch: &B) {
    while let Some(step) = next_step(shared, engines) {
        match step {
            Step::Open(doc) => {
                let opened = match caught(|| batch.open(doc)) {
                    Ok(o) => o,
                    Err(msg) => {
                        batch.panicked(doc, msg);
                        None
                    }
                };
                let mut st = lock(&shared.state);
                if let Some((open, meta)) = opened {
                    let count = open.page_count();
                    st.slots.insert(
                        doc,
                        Slot {
                            open: Arc::new(open),
                            meta,
                            pages: (0..count).map(|_| None).collect(),
                            left: count,
                            error: None,
                        },
                    );
                    st.reading.push_back(Reading {
                        doc,
                        next: 0,
                        count,
                    });
                }
                st.busy -= 1;
                drop(st);
                shared.wake.notify_all();
            }
            Step::Read(doc, open, i) => {
                let read =
                    caught(|| open.read_page(engines, i)).unwrap_or_else(|m| Err(panic_error(m)));
                drop(open);
                let finished = {
                    let mut st = lock(&shared.state);
                    st.busy -= 1;
                    match read {
                        Ok(ReadPage::Scan(scan)) => {
                            if st.slots.get(&doc).is_some_and(|s| s.error.is_none()) {
                                let seq = st.seq;
                                st.seq += 1;
                                st.ready.push(Ready {
                                    cost: scan.cost,
                                    seq,
                                    doc,
                                    scan,
                                });
                                None
                            } else {
                                complete(&mut st, doc, i, Err(DocError::Interrupted))
                            }
                        }
                        Ok(ReadPage::Done(page)) => {
                            batch.page_done();
                            complete(&mut st, doc, i, Ok(page))
                        }
                        Err(e) => complete(&mut st, doc, i, Err(e)),
                    }
                };
                shared.wake.notify_all();
                if let Some((d, meta, open, pages)) = finished {
                    if let Err(msg) = caught(|| batch.finish(d, meta, &open, pages)) {
                        batch.panicked(d, msg);
                    }
                }
            }
            Step::Recognize(doc, scan) => {
                let i = scan.index();
                let failed = lock(&shared.state)
                    .slots
                    .get(&doc)
                    .map_or(true, |s| s.error.is_some());
                // A page of a document that failed meanwhile is dropped unread.
                let page = if failed {
                    Err(DocError::Interrupted)
                } else {
                    caught(|| scan.recognize(engines)).unwrap_or_else(|m| Err(panic_error(m)))
                };
                if page.is_ok() {
                    batch.page_done();
                }
                let finished = {
                    let mut st = lock(&shared.state);
                    st.busy -= 1;
                    complete(&mut st, doc, i, page)
                };
                shared.wake.notify_all();
                if let Some((d, meta, open, pages)) = finished {
                    if let Err(msg) = caught(|| batch.finish(d, meta, &open, pages)) {
                        batch.panicked(d, msg);
                    }
                }
            }
        }
    }
    shared.wake.notify_all();
}

/// The next step for a free worker, or `None` when all is done or the run was stopped.
fn next_step<M>(shared: &Shared<M>, engines: &Engines) -> Option<Step> {
    let mut st = lock(&shared.state);
    loop {
        if engines.stop.load(Ordering::Relaxed) {
            return None;
        }
        let more_to_read = !st.reading.is_empty() || !st.to_open.is_empty();
        if st.ready.len() >= shared.run_ahead || !more_to_read {
            if let Some(r) = st.ready.pop() {
                st.busy += 1;
                return Some(Step::Recognize(r.doc, r.scan));
            }
        }
        if let Some(rd) = st.reading.front_mut() {
            let (doc, i) = (rd.doc, rd.next);
            rd.next += 1;
            if rd.next >= rd.count {
                st.reading.pop_front();
            }
            let Some(open) = st.slots.get(&doc).map(|s| s.open.clone()) else {
                continue;
            };
            st.busy += 1;
            return Some(Step::Read(doc, open, i));
        }
        if let Some(doc) = st.to_open.pop_front() {
            st.busy += 1;
            return Some(Step::Open(doc));
        }
        if st.busy == 0 {
            return None;
        }
        let t0 = std::time::Instant::now();
        st = shared.wake.wait(st).unwrap_or_else(|e| e.into_inner());
        shared
            .waited_us
            .fetch_add(t0.elapsed().as_micros() as u64, Ordering::Relaxed);
    }
}

/// Records page `i` of `doc` as finished (or failed); returns the document when it was its last page.
fn complete<M>(
    st: &mut State<M>,
    doc: usize,
    i: u32,
    page: Result<PageResult, DocError>,
) -> Option<Finished<M>> {
    let slot = st.slots.get_mut(&doc)?;
    slot.left = slot.left.saturating_sub(1);
    match page {
        Ok(p) => {
            if let Some(s) = slot.pages.get_mut(i as usize) {
                *s = Some(p);
            }
        }
        Err(e) => {
            if slot.error.is_none() {
                // The first error fails the document; its pages not read yet are dropped.
                slot.error = Some(e);
                if let Some(pos) = st.reading.iter().position(|r| r.doc == doc) {
                    if let Some(r) = st.reading.remove(pos) {
                        slot.left = slot.left.saturating_sub(r.count - r.next);
                    }
                }
            }
        }
    }
    if slot.left > 0 {
        return None;
    }
    let slot = st.slots.remove(&doc)?;
    let result = match slot.error {
        Some(e) => Err(e),
        None => slot
            .pages
            .into_iter()
            .collect::<Option<Vec<_>>>()
            .ok_or(DocError::Interrupted),
    };
    Some((doc, slot.meta, slot.open, result))
}

/// Runs `f`; a panic inside it (a bug met by one input) comes back as its message, so that the
/// document fails and the other workers go on instead of waiting for a step that never ends.
fn caught<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|p| {
        p.downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".into())
    })
}

/// The error of a document whose step panicked.
fn panic_error(msg: String) -> DocError {
    DocError::Pages(format!(
        "internal error (a bug in vanban; please report it with this input): {msg}"
    ))
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
