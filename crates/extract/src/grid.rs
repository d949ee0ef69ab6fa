//! Ruled tables in a page image: the ruling lines are found as long dark runs (horizontal and
//! vertical, joined into connected components so that a slightly skewed line stays one line), the
//! lines that cross each other form a table, their positions give the grid, and a missing piece of
//! ruling between two grid slots merges them into one cell (a section row spanning the columns, a
//! cell spanning rows). A table whose outer verticals run on past its first or last horizontal rule
//! is open there: a row cut by the page break, whose part on this page becomes a row of the grid
//! (see [`Cut`]). Each cell's inner region is then read by a [`CellReader`].

use image::GrayImage;
use vanban_doc::{BBox, Cell, Line, Table, Word};

/// What is known of a cell before it is read, to choose how to read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CellHint {
    /// Text lines seen in the cell's ink (bands of dark rows); 0 for an empty cell.
    pub text_lines: u32,
    /// True for a cell of a narrow first column (the STT column: `1`, `1.1`, `II`), a header
    /// cell (`STT`) included.
    pub numbering: bool,
}

/// Reads one cell of a page image (in the pipeline: Tesseract on the cell's crop, then the
/// restorer).
pub trait CellReader {
    /// Reads the cell `cell` of `image`: its text lines top to bottom, words with boxes in the
    /// image's pixels and confidences 0..1.
    fn read_cell(&mut self, image: &GrayImage, cell: &GridCell, hint: CellHint) -> Vec<Line>;
}

/// A [`CellReader`] for pages that already have words with boxes in the image's pixel space (a
/// PDF's text layer, or OCR of the whole page): a cell's text is the words whose centre falls in
/// the region, in reading order.
pub struct PageWordsReader<'a> {
    page: &'a vanban_doc::Page,
}

impl<'a> PageWordsReader<'a> {
    /// A reader over the words of `page`.
    pub fn new(page: &'a vanban_doc::Page) -> Self {
        PageWordsReader { page }
    }
}

impl CellReader for PageWordsReader<'_> {
    fn read_cell(&mut self, _image: &GrayImage, cell: &GridCell, _hint: CellHint) -> Vec<Line> {
        let r = cell.region;
        let mut out = Vec::new();
        for line in &self.page.lines {
            let words: Vec<Word> = line
                .words
                .iter()
                .filter(|w| {
                    w.bbox.is_some_and(|b| {
                        let (cx, cy) = (mid(b.x0, b.x1), mid(b.y0, b.y1));
                        cx >= r.x0 && cx < r.x1 && cy >= r.y0 && cy < r.y1
                    }) && !w.text.is_empty()
                })
                .cloned()
                .collect();
            if !words.is_empty() {
                out.push(Line {
                    bbox: words.iter().filter_map(|w| w.bbox).reduce(BBox::union),
                    block: line.block,
                    words,
                });
            }
        }
        out
    }
}

/// The middle of two coordinates, without overflow.
pub(crate) fn mid(a: u32, b: u32) -> u32 {
    ((u64::from(a) + u64::from(b)) / 2) as u32
}

/// A cell of a grid: its slot, spans and the pixel region inside its ruling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GridCell {
    /// Row index, from 0.
    pub row: u32,
    /// Column index, from 0.
    pub col: u32,
    /// Rows the cell spans.
    pub row_span: u32,
    /// Columns the cell spans.
    pub col_span: u32,
    /// The region inside the cell's ruling lines.
    pub region: BBox,
}

/// Where a table's ruling is open: a row cut by the page break runs on past the page's bottom
/// (`bottom`) or comes in from the page before (`top`). The outer verticals go on beyond the
/// last (first) horizontal rule by at least a text line, and no rule closes the row there.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cut {
    /// The first row continues a row cut at the foot of the previous page.
    pub top: bool,
    /// The last row is cut by the page's foot and continues on the next page.
    pub bottom: bool,
}

/// A table's grid found in a page image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grid {
    /// The table's outer box (an open row included).
    pub bbox: BBox,
    /// Whether the ruling is open at the top or the bottom (a row cut by a page break).
    pub cut: Cut,
    /// Row boundaries, top to bottom (rows + 1 values).
    pub ys: Vec<u32>,
    /// Column boundaries, left to right (columns + 1 values).
    pub xs: Vec<u32>,
    /// The cells, row by row, each merged cell once.
    pub cells: Vec<GridCell>,
}

/// A straight ruling line: its box.
#[derive(Debug, Clone, Copy)]
struct Rule {
    b: BBox,
}

impl Rule {
    fn cy(&self) -> u32 {
        (self.b.y0 + self.b.y1) / 2
    }
    fn cx(&self) -> u32 {
        (self.b.x0 + self.b.x1) / 2
    }
}

/// Dark-pixel threshold by Otsu's method, clamped so a blank page does not make noise dark.
fn threshold(img: &GrayImage) -> u8 {
    let mut hist = [0u64; 256];
    let (w, h) = img.dimensions();
    if u64::from(w) * u64::from(h) > 1 << 20 {
        // A page: every other pixel of every other row tells the same.
        for row in img.as_raw().chunks_exact(w as usize).step_by(2) {
            for p in row.iter().step_by(2) {
                hist[*p as usize] += 1;
            }
        }
    } else {
        for p in img.as_raw() {
            hist[*p as usize] += 1;
        }
    }
    let total: u64 = hist.iter().sum();
    if total == 0 {
        return 128;
    }
    let sum: f64 = hist
        .iter()
        .enumerate()
        .map(|(i, &h)| i as f64 * h as f64)
        .sum();
    let (mut sum_b, mut w_b, mut best, mut best_t) = (0.0, 0u64, 0.0, 128u8);
    for (t, &h) in hist.iter().enumerate() {
        w_b += h;
        if w_b == 0 {
            continue;
        }
        let w_f = total - w_b;
        if w_f == 0 {
            break;
        }
        sum_b += t as f64 * h as f64;
        let m_b = sum_b / w_b as f64;
        let m_f = (sum - sum_b) / w_f as f64;
        let between = w_b as f64 * w_f as f64 * (m_b - m_f) * (m_b - m_f);
        if between > best {
            best = between;
            best_t = t as u8;
        }
    }
    best_t.clamp(60, 200)
}

/// Runs of dark pixels along one row (or column) at least `min_len` long, small gaps bridged.
fn runs_of(
    dark: impl Iterator<Item = bool>,
    min_len: u32,
    max_gap: u32,
    out: &mut Vec<(u32, u32)>,
) {
    let mut start: Option<u32> = None;
    let mut last_dark = 0u32;
    for (i, d) in (0u32..).zip(dark) {
        if d {
            if start.is_none() {
                start = Some(i);
            }
            last_dark = i;
        } else if let Some(s) = start {
            if i - last_dark > max_gap {
                if last_dark + 1 - s >= min_len {
                    out.push((s, last_dark + 1));
                }
                start = None;
            }
        }
    }
    if let Some(s) = start {
        if last_dark + 1 - s >= min_len {
            out.push((s, last_dark + 1));
        }
    }
}

/// Union-find root of `x`, with path halving.
fn find(p: &mut [usize], mut x: usize) -> usize {
    while p[x] != x {
        p[x] = p[p[x]];
        x = p[x];
    }
    x
}

/// Connected components of runs (`runs[k]` = runs on scan line `k`), 8-connected; returns each
/// component's extent as (along0, along1, across0, across1).
fn components(runs: &[Vec<(u32, u32)>]) -> Vec<(u32, u32, u32, u32)> {
    // Union-find over all runs.
    let mut offset = Vec::with_capacity(runs.len() + 1);
    let mut n = 0usize;
    for r in runs {
        offset.push(n);
        n += r.len();
    }
    offset.push(n);
    let mut parent: Vec<usize> = (0..n).collect();
    for k in 1..runs.len() {
        let (prev, cur) = (&runs[k - 1], &runs[k]);
        let (mut i, mut j) = (0, 0);
        while i < prev.len() && j < cur.len() {
            let (a0, a1) = prev[i];
            let (b0, b1) = cur[j];
            if a0 <= b1 && b0 <= a1 {
                let (x, y) = (
                    find(&mut parent, offset[k - 1] + i),
                    find(&mut parent, offset[k] + j),
                );
                if x != y {
                    parent[x] = y;
                }
            }
            if a1 < b1 {
                i += 1;
            } else {
                j += 1;
            }
        }
    }
    let mut ext: std::collections::HashMap<usize, (u32, u32, u32, u32)> =
        std::collections::HashMap::new();
    for (k, r) in runs.iter().enumerate() {
        for (i, &(s, e)) in r.iter().enumerate() {
            let root = find(&mut parent, offset[k] + i);
            let k = k as u32;
            let e0 = ext.entry(root).or_insert((s, e, k, k + 1));
            e0.0 = e0.0.min(s);
            e0.1 = e0.1.max(e);
            e0.2 = e0.2.min(k);
            e0.3 = e0.3.max(k + 1);
        }
    }
    let mut v: Vec<_> = ext.into_values().collect();
    v.sort_unstable();
    v
}

/// The scan's resolution as the page's size says: its short side is A4's 8.27 in (a landscape
/// page's width is the long side).
pub(crate) fn page_dpi(image: &GrayImage) -> f32 {
    let (w, h) = image.dimensions();
    (w.min(h) as f32 / 8.27).clamp(50.0, 1200.0)
}

/// Finds the ruled tables of a page image and their grids.
pub fn find_grids(image: &GrayImage) -> Vec<Grid> {
    let (w, h) = image.dimensions();
    if w < 20 || h < 20 {
        return Vec::new();
    }
    let t = threshold(image);
    let raw = image.as_raw();
    // Scale from the page width (A4 is 8.27 in wide; a landscape page's is taken so too, which
    // keeps the strokes of letters on a 200 dpi landscape scan shorter than a rule).
    let dpi = (w as f32 / 8.27).clamp(50.0, 1200.0);
    let min_h = (w / 30).max(20);
    let min_v = ((dpi * 0.12) as u32).max(12);
    let tol = ((dpi / 30.0) as u32).max(4);

    // Horizontal runs row by row first: a page without two long rules above each other (most
    // pages: a Decree 30 header has two short rules side by side) has no table, and costs no more.
    const GAP: u32 = 2;
    let mut hruns = Vec::with_capacity(h as usize);
    for row in raw.chunks_exact(w as usize) {
        let mut r = Vec::new();
        runs_of(row.iter().map(|&p| p < t), min_h, GAP, &mut r);
        hruns.push(r);
    }
    let hs: Vec<Rule> = components(&hruns)
        .into_iter()
        .filter(|&(x0, x1, _, _)| x1 - x0 >= min_h)
        .map(|(x0, x1, y0, y1)| Rule {
            b: BBox { x0, y0, x1, y1 },
        })
        .filter(|r| r.b.height() <= r.b.width() / 8 + 2 * tol)
        .collect();
    // A table needs two rules above each other that overlap across at least half the shorter one.
    let paired = hs.iter().enumerate().any(|(i, a)| {
        hs[i + 1..].iter().any(|b| {
            let overlap = a.b.x1.min(b.b.x1).saturating_sub(a.b.x0.max(b.b.x0));
            overlap * 2 >= a.b.width().min(b.b.width()) && a.cy().abs_diff(b.cy()) >= min_v / 2
        })
    });
    if !paired {
        return Vec::new();
    }
    // Vertical runs, kept open per column, over the whole page: an open row cut by the page break
    // has verticals beyond the table's first or last rule.
    let mut vruns: Vec<Vec<(u32, u32)>> = vec![Vec::new(); w as usize];
    let mut vopen: Vec<(u32, u32)> = vec![(u32::MAX, 0); w as usize]; // (start, last dark)
    for (y, row) in (0u32..).zip(raw.chunks_exact(w as usize)) {
        for ((&p, open), runs) in row.iter().zip(vopen.iter_mut()).zip(vruns.iter_mut()) {
            if p < t {
                if open.0 == u32::MAX {
                    open.0 = y;
                }
                open.1 = y;
            } else if open.0 != u32::MAX && y - open.1 > GAP {
                if open.1 + 1 - open.0 >= min_v {
                    runs.push((open.0, open.1 + 1));
                }
                open.0 = u32::MAX;
            }
        }
    }
    for (open, runs) in vopen.iter().zip(vruns.iter_mut()) {
        if open.0 != u32::MAX && open.1 + 1 - open.0 >= min_v {
            runs.push((open.0, open.1 + 1));
        }
    }
    let vs: Vec<Rule> = components(&vruns)
        .into_iter()
        .filter(|&(y0, y1, _, _)| y1 - y0 >= min_v)
        .map(|(y0, y1, x0, x1)| Rule {
            b: BBox { x0, y0, x1, y1 },
        })
        .filter(|r| r.b.width() <= r.b.height() / 8 + 2 * tol)
        .collect();
    if hs.len() < 2 || vs.len() < 2 {
        return Vec::new();
    }

    // Lines that cross (or touch) belong to one table: union-find over horizontals + verticals.
    let n = hs.len() + vs.len();
    let mut parent: Vec<usize> = (0..n).collect();
    let crosses = |hl: &Rule, vl: &Rule| {
        vl.cx() + tol >= hl.b.x0
            && vl.cx() <= hl.b.x1 + tol
            && hl.cy() + tol >= vl.b.y0
            && hl.cy() <= vl.b.y1 + tol
    };
    for (i, hl) in hs.iter().enumerate() {
        for (j, vl) in vs.iter().enumerate() {
            if crosses(hl, vl) {
                let (a, b) = (find(&mut parent, i), find(&mut parent, hs.len() + j));
                if a != b {
                    parent[a] = b;
                }
            }
        }
    }
    let mut groups: std::collections::BTreeMap<usize, (Vec<Rule>, Vec<Rule>)> = Default::default();
    for i in 0..n {
        let r = find(&mut parent, i);
        let g = groups.entry(r).or_default();
        if i < hs.len() {
            g.0.push(hs[i]);
        } else {
            g.1.push(vs[i - hs.len()]);
        }
    }
    let mut grids: Vec<Grid> = groups
        .into_values()
        .filter(|(h, v)| h.len() >= 2 && v.len() >= 2)
        .filter_map(|(h, v)| build_grid(&h, &v, tol, (dpi / 12.0) as u32, image))
        .collect();
    grids.sort_by_key(|g| (g.bbox.y0, g.bbox.x0));
    grids
}

/// Positions within `tol` of each other taken as one, each the mean of its members.
fn cluster(mut v: Vec<u32>, tol: u32) -> Vec<u32> {
    v.sort_unstable();
    let mut out: Vec<(u64, u64, u32)> = Vec::new(); // sum, count, last
    for x in v {
        match out.last_mut() {
            Some((s, c, last)) if x <= *last + tol => {
                *s += x as u64;
                *c += 1;
                *last = x;
            }
            _ => out.push((x as u64, 1, x)),
        }
    }
    out.into_iter().map(|(s, c, _)| (s / c) as u32).collect()
}

/// The grid of one table from its horizontal and vertical rules. `open` is how far (in pixels) the
/// outer verticals must run on past the first or last horizontal rule for the table to be open there.
fn build_grid(hs: &[Rule], vs: &[Rule], tol: u32, open: u32, image: &GrayImage) -> Option<Grid> {
    let mut ys = cluster(hs.iter().map(Rule::cy).collect(), tol);
    let xs = cluster(vs.iter().map(Rule::cx).collect(), tol);
    if ys.len() < 2 || xs.len() < 2 {
        return None;
    }
    let cut = open_ends(&mut ys, &xs, vs, tol, open);
    let (nr, nc) = (ys.len() - 1, xs.len() - 1);
    // Is there ruling between slot (r, c) and (r, c + 1)? Between (r, c) and (r + 1, c)?
    let vwall = |r: usize, c: usize| {
        let (x, ymid) = (xs[c + 1], (ys[r] + ys[r + 1]) / 2);
        vs.iter()
            .any(|v| v.cx().abs_diff(x) <= tol && v.b.y0 <= ymid && v.b.y1 >= ymid)
    };
    let hwall = |r: usize, c: usize| {
        let (y, xmid) = (ys[r + 1], (xs[c] + xs[c + 1]) / 2);
        hs.iter()
            .any(|h| h.cy().abs_diff(y) <= tol && h.b.x0 <= xmid && h.b.x1 >= xmid)
    };
    let mut parent: Vec<usize> = (0..nr * nc).collect();
    for r in 0..nr {
        for c in 0..nc {
            if c + 1 < nc && !vwall(r, c) {
                let (a, b) = (
                    find(&mut parent, r * nc + c),
                    find(&mut parent, r * nc + c + 1),
                );
                parent[a] = b;
            }
            if r + 1 < nr && !hwall(r, c) {
                let (a, b) = (
                    find(&mut parent, r * nc + c),
                    find(&mut parent, (r + 1) * nc + c),
                );
                parent[a] = b;
            }
        }
    }
    // Each set's slot rectangle, in reading order of its top-left slot.
    let mut rect: std::collections::HashMap<usize, (usize, usize, usize, usize)> =
        Default::default();
    for r in 0..nr {
        for c in 0..nc {
            let root = find(&mut parent, r * nc + c);
            let e = rect.entry(root).or_insert((r, c, r, c));
            e.0 = e.0.min(r);
            e.1 = e.1.min(c);
            e.2 = e.2.max(r);
            e.3 = e.3.max(c);
        }
    }
    let mut rects: Vec<_> = rect.into_values().collect();
    rects.sort_unstable();
    // Thickness of the lines, to keep them out of the cell regions.
    let thick = hs
        .iter()
        .chain(vs)
        .map(|r| r.b.height().min(r.b.width()))
        .max()
        .unwrap_or(2);
    let pad = (thick / 2 + 3).min(tol * 2);
    // The rule along row boundary `y` over the middle of columns c0..=c1, as found: on a skewed
    // or uneven scan a rule stands a few pixels off the boundary's mean, and a fixed padding from
    // the mean cuts the top of the first line of a cell below a higher rule.
    // Rows of the image around `y` that are mostly dark between x0 and x1: the rule there.
    let t = threshold(image);
    let (iw, ih) = image.dimensions();
    let rule_rows = |y: u32, x0: u32, x1: u32| -> Vec<u32> {
        let (x0, x1) = (x0.min(iw), x1.min(iw));
        if x1 <= x0 {
            return Vec::new();
        }
        (y.saturating_sub(tol)..(y + tol + 1).min(ih))
            .filter(|&yy| {
                let row = &image.as_raw()[(yy * iw + x0) as usize..(yy * iw + x1) as usize];
                row.iter().filter(|&&p| p < t).count() * 5 >= row.len() * 2
            })
            .collect()
    };
    let cells = rects
        .into_iter()
        .map(|(r0, c0, r1, c1)| {
            let (cx0, cx1) = (xs[c0] + pad, xs[c1 + 1].saturating_sub(pad));
            // Just inside the rules where they are over this cell (never further in than the
            // padding from the boundary's mean).
            let top = rule_rows(ys[r0], cx0, cx1)
                .last()
                .map_or(ys[r0] + pad, |&y| (y + 2).min(ys[r0] + pad));
            let bottom = rule_rows(ys[r1 + 1], cx0, cx1)
                .first()
                .map_or(ys[r1 + 1].saturating_sub(pad), |&y| {
                    y.saturating_sub(2).max(ys[r1 + 1].saturating_sub(pad))
                });
            let b = BBox {
                x0: xs[c0] + pad,
                y0: top,
                x1: xs[c1 + 1].saturating_sub(pad).max(xs[c0] + pad + 1),
                y1: bottom.max(top + 1),
            };
            GridCell {
                row: r0 as u32,
                col: c0 as u32,
                row_span: (r1 - r0 + 1) as u32,
                col_span: (c1 - c0 + 1) as u32,
                region: clamp_box(b, image),
            }
        })
        .collect();
    Some(Grid {
        cut,
        bbox: BBox {
            x0: xs[0],
            y0: ys[0],
            x1: *xs.last()?,
            y1: *ys.last()?,
        },
        ys,
        xs,
        cells,
    })
}

/// Adds a row boundary where both outer verticals (at the first and last column boundary) run on
/// by at least `open` pixels past the first (last) horizontal rule: the row there is open, cut by
/// the page break. Returns which ends are open.
fn open_ends(ys: &mut Vec<u32>, xs: &[u32], vs: &[Rule], tol: u32, open: u32) -> Cut {
    let (Some(&left), Some(&right)) = (xs.first(), xs.last()) else {
        return Cut::default();
    };
    let outer = |x: u32| vs.iter().filter(move |v| v.cx().abs_diff(x) <= tol);
    // How far up (down) the outer verticals reach: the shorter of the two sides, both needed.
    let both = |a: Option<u32>, b: Option<u32>, pick: fn(u32, u32) -> u32| {
        a.zip(b).map(|(a, b)| pick(a, b))
    };
    let top = both(
        outer(left).map(|v| v.b.y0).min(),
        outer(right).map(|v| v.b.y0).min(),
        u32::max,
    );
    let bottom = both(
        outer(left).map(|v| v.b.y1).max(),
        outer(right).map(|v| v.b.y1).max(),
        u32::min,
    );
    let mut cut = Cut::default();
    if let (Some(top), Some(&first)) = (top, ys.first()) {
        if top + open <= first {
            ys.insert(0, top);
            cut.top = true;
        }
    }
    if let (Some(bottom), Some(&last)) = (bottom, ys.last()) {
        if last + open <= bottom {
            ys.push(bottom);
            cut.bottom = true;
        }
    }
    cut
}

fn clamp_box(b: BBox, image: &GrayImage) -> BBox {
    let (w, h) = image.dimensions();
    BBox {
        x0: b.x0.min(w),
        y0: b.y0.min(h),
        x1: b.x1.min(w),
        y1: b.y1.min(h),
    }
}

/// Share of dark pixels in a region (to skip reading empty cells).
fn ink(image: &GrayImage, b: BBox, t: u8) -> f32 {
    let (w, _) = image.dimensions();
    let raw = image.as_raw();
    let mut dark = 0u64;
    for y in b.y0..b.y1 {
        let row = (y as usize) * (w as usize);
        if let Some(px) = raw.get(row + b.x0 as usize..row + b.x1 as usize) {
            dark += px.iter().filter(|&&p| p < t).count() as u64;
        }
    }
    let all = u64::from(b.width()) * u64::from(b.height());
    if all == 0 {
        0.0
    } else {
        dark as f32 / all as f32
    }
}

/// Text lines in a region: bands of rows holding ink, gaps of up to `dpi / 40` rows bridged (a
/// diacritic above its letters), bands shorter than `dpi / 25` rows dropped (specks). A band taller
/// than a line counts as the lines it holds, a line taken as `dpi / 5` rows (13 pt type set
/// solid): on a bilevel scan at 200 dpi the diacritics of one line touch the descenders of the
/// line above, and a paragraph of five lines is one band.
fn text_bands(image: &GrayImage, b: BBox, t: u8, dpi: f32) -> u32 {
    let (w, _) = image.dimensions();
    let raw = image.as_raw();
    let gap = (dpi / 40.0) as u32;
    let min_band = (dpi / 25.0) as u32;
    let min_dark = 3usize;
    let (mut bands, mut start, mut last) = (0u32, None::<u32>, 0u32);
    let line = (dpi / 5.0).max(1.0);
    let close = |s: u32, e: u32, bands: &mut u32| {
        let h = e + 1 - s;
        if h >= min_band {
            *bands += ((h as f32 / line).round() as u32).max(1);
        }
    };
    for y in b.y0..b.y1 {
        let row = (y as usize) * (w as usize);
        let dark = raw
            .get(row + b.x0 as usize..row + b.x1 as usize)
            .map_or(0, |px| px.iter().filter(|&&p| p < t).count());
        if dark >= min_dark {
            if start.is_none() {
                start = Some(y);
            }
            last = y;
        } else if let Some(s) = start {
            if y - last > gap {
                close(s, last, &mut bands);
                start = None;
            }
        }
    }
    if let Some(s) = start {
        close(s, last, &mut bands);
    }
    bands
}

/// True for what OCR makes of a seal, a signature or specks rather than of print: unsure
/// (mean confidence under 0.6) and mostly scraps (fewer than half of the words with two letters
/// or more, or two digits: `2 ở ‡ và ⁄4`).
fn is_noise(words: &[Word]) -> bool {
    if words.is_empty() {
        return false;
    }
    let mean = words.iter().map(|w| w.conf).sum::<f32>() / words.len() as f32;
    let wordy = words
        .iter()
        .filter(|w| {
            w.raw.chars().filter(|c| c.is_alphabetic()).count() >= 2
                || w.raw.chars().filter(char::is_ascii_digit).count() >= 2
        })
        .count();
    mean < 0.6 && wordy * 2 < words.len()
}

/// True for an STT value: `1`, `1.1`, `1.4.1`, `I`, `II.`, `a`.
pub(crate) fn is_stt(s: &str) -> bool {
    let s = s.trim().trim_end_matches(['.', ')']);
    !s.is_empty()
        && (s
            .split('.')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
            || s.chars().all(|c| matches!(c, 'I' | 'V' | 'X'))
            || (s.chars().count() == 1 && s.chars().all(|c| c.is_ascii_lowercase())))
}

/// A table read from a page image, with the text it adds to the page.
#[derive(Debug, Clone)]
pub struct ScanTable {
    /// The table as found on this page (a continuation is joined later by
    /// [`join_tables`](crate::join_tables)).
    pub table: Table,
    /// The table's outer box in the page image.
    pub bbox: BBox,
    /// Whether a row of it is cut by the page break (for [`join_cut_tables`](crate::join_cut_tables)).
    pub cut: Cut,
    /// The table's text for the page's reading order: one line per grid row, the words of its
    /// cells left to right (a cell's own lines one after the other).
    pub lines: Vec<Line>,
}

/// Finds the ruled tables on a page image, reads every non-empty cell with `reader`, and returns
/// them as tables of that page, each with where its ruling is cut by the page break (the header
/// is found as [`read_grids`] says).
pub fn extract_scan_tables(
    page_number: u32,
    image: &GrayImage,
    reader: &mut dyn CellReader,
) -> Vec<(Table, Cut)> {
    read_grids(page_number, image, &find_grids(image), reader)
        .into_iter()
        .map(|t| (t.table, t.cut))
        .collect()
}

/// Reads the cells of `grids` (found by [`find_grids`] on `image`) with `reader`: one
/// [`ScanTable`] per grid, in the grids' order. The first rows are a header when the first cell
/// is text that is not an item number and does not span columns; a header cell spanning two rows
/// (`STT`, `Nội dung` beside `Kinh phí` over `Tổng | Ngân sách tỉnh`) makes a two-row header.
pub fn read_grids(
    page_number: u32,
    image: &GrayImage,
    grids: &[Grid],
    reader: &mut dyn CellReader,
) -> Vec<ScanTable> {
    if grids.is_empty() {
        return Vec::new();
    }
    let t = threshold(image);
    let dpi = page_dpi(image);
    let mut out = Vec::with_capacity(grids.len());
    for g in grids {
        let (Some(ncols), Some(nrows)) = (g.xs.len().checked_sub(1), g.ys.len().checked_sub(1))
        else {
            continue;
        };
        if ncols < 1 || nrows < 1 {
            continue;
        }
        // The STT column: a first column narrower than an eighth of the table.
        let numbering_col = ncols >= 3 && (g.xs[1] - g.xs[0]) * 8 < g.bbox.width();
        let mut cells: Vec<Cell> = Vec::with_capacity(g.cells.len());
        let mut row_words: Vec<Vec<Word>> = vec![Vec::new(); nrows];
        // How many of a row's words come from its first column.
        let mut first_words: Vec<usize> = vec![0; nrows];
        for gc in &g.cells {
            // Empty: next to no ink. A share of the area alone would pass over the `1.` of a
            // tall merged item-number cell, so a few letters' worth of ink always counts.
            let share = ink(image, gc.region, t);
            let dark = share * gc.region.width() as f32 * gc.region.height() as f32;
            let lines = if share < 0.002 && dark < dpi * dpi / 1000.0 {
                Vec::new()
            } else {
                let hint = CellHint {
                    text_lines: text_bands(image, gc.region, t, dpi),
                    numbering: numbering_col && gc.col == 0 && gc.col_span == 1,
                };
                if hint.text_lines == 0 {
                    Vec::new()
                } else {
                    reader.read_cell(image, gc, hint)
                }
            };
            let mut words: Vec<Word> = lines
                .into_iter()
                .flat_map(|l| l.words)
                .filter(|w| !w.text.trim().is_empty())
                .collect();
            // A seal or specks over an empty cell read as scraps: the cell is left empty, with
            // no confidence, to say something there was not read.
            let numbering = numbering_col && gc.col == 0 && gc.col_span == 1;
            let noise = !numbering && is_noise(&words);
            if noise {
                words.clear();
            }
            let text: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
            let conf = words
                .iter()
                .map(|w| {
                    let c = w.correction.as_ref().map_or(w.conf, |c| w.conf.min(c.conf));
                    if c.is_nan() {
                        0.0
                    } else {
                        c.clamp(0.0, 1.0)
                    }
                })
                .reduce(f32::min)
                .unwrap_or(if noise { 0.0 } else { 1.0 });
            cells.push(Cell {
                row: gc.row,
                col: gc.col,
                row_span: gc.row_span,
                col_span: gc.col_span,
                text: crate::text::normalize(&text.join(" ")),
                conf,
            });
            if let Some(r) = row_words.get_mut(gc.row as usize) {
                if gc.col == 0 {
                    first_words[gc.row as usize] = words.len();
                }
                r.extend(words);
            }
        }
        let mut table = crate::tables::table_from_cells(page_number, nrows, ncols, cells);
        crate::tables::fix_item_numbers(&mut table);
        // An item number put right is put right in the page's text too.
        for c in table.cells.iter().filter(|c| c.col == 0) {
            let (Some(words), Some(&n)) = (
                row_words.get_mut(c.row as usize),
                first_words.get(c.row as usize),
            ) else {
                continue;
            };
            let read: Vec<&str> = words[..n].iter().map(|w| w.text.as_str()).collect();
            if n > 0 && crate::text::normalize(&read.join(" ")) != c.text {
                let bbox = words[..n].iter().filter_map(|w| w.bbox).reduce(BBox::union);
                words.splice(..n, [Word::new(c.text.clone(), bbox, c.conf)]);
            }
        }
        let lines = row_words
            .into_iter()
            .filter(|w| !w.is_empty())
            .map(|words| Line {
                bbox: words.iter().filter_map(|w| w.bbox).reduce(BBox::union),
                block: 0,
                words,
            })
            .collect();
        out.push(ScanTable {
            table,
            bbox: g.bbox,
            cut: g.cut,
            lines,
        });
    }
    out
}

/// Whites out the tables of `grids` in `image` (their outer box and a little more, for the
/// ruling's thickness), so that the page's own OCR reads only the text around them.
pub fn blank_grids(image: &mut GrayImage, grids: &[Grid]) {
    let (w, h) = image.dimensions();
    let grow = (w / 250).max(2);
    for g in grids {
        let (x0, y0) = (
            g.bbox.x0.saturating_sub(grow),
            g.bbox.y0.saturating_sub(grow),
        );
        let (x1, y1) = ((g.bbox.x1 + grow).min(w), (g.bbox.y1 + grow).min(h));
        for y in y0..y1 {
            let row = (y as usize) * (w as usize);
            if let Some(px) = image.get_mut(row + x0 as usize..row + x1 as usize) {
                px.fill(255);
            }
        }
    }
}

/// Puts a table's row lines into a page's lines in reading order: before the first line whose
/// middle lies below the table's top (at the end when there is none), as one new block.
pub fn insert_table_lines(page_lines: &mut Vec<Line>, table_box: BBox, rows: Vec<Line>) {
    if rows.is_empty() {
        return;
    }
    let block = page_lines.iter().map(|l| l.block + 1).max().unwrap_or(0);
    let at = page_lines
        .iter()
        .position(|l| l.bbox.is_some_and(|b| mid(b.y0, b.y1) > table_box.y0))
        .unwrap_or(page_lines.len());
    page_lines.splice(
        at..at,
        rows.into_iter().map(|mut l| {
            l.block = block;
            l
        }),
    );
}

/// A cell's image prepared for OCR: the region inside its ruling with a white margin all round,
/// remnants of the ruling along its edges cleared.
#[derive(Debug, Clone)]
pub struct CellCrop {
    /// The crop.
    pub image: GrayImage,
    /// The cell's region in the page image.
    region: BBox,
    /// Page position of the crop's (0, 0): page = crop + offset (may be negative: the margin).
    offset: (i64, i64),
}

impl CellCrop {
    /// White margin around the region, in pixels (Tesseract reads text touching the image edge badly).
    pub const MARGIN: u32 = 12;

    /// The crop of `region` of `image`.
    pub fn new(image: &GrayImage, region: BBox) -> CellCrop {
        let region = clamp_box(region, image);
        let m = Self::MARGIN;
        let (rw, rh) = (region.width(), region.height());
        let mut crop = GrayImage::from_pixel(rw + 2 * m, rh + 2 * m, image::Luma([255]));
        let (w, cw) = (image.width() as usize, (rw + 2 * m) as usize);
        for y in 0..rh {
            let src = ((region.y0 + y) as usize) * w + region.x0 as usize;
            let dst = ((y + m) as usize) * cw + m as usize;
            if let (Some(s), Some(d)) = (
                image.as_raw().get(src..src + rw as usize),
                crop.get_mut(dst..dst + rw as usize),
            ) {
                d.copy_from_slice(s);
            }
        }
        clear_edge_rules(&mut crop, m);
        // Trim to the ink (Tesseract's line mode takes the image's height for the line's).
        let t = threshold(&crop);
        let (cw, ch) = crop.dimensions();
        let dark_rows: Vec<u32> = (0..ch)
            .filter(|&y| (0..cw).filter(|&x| crop.get_pixel(x, y).0[0] < t).count() >= 2)
            .collect();
        let dark_cols: Vec<u32> = (0..cw)
            .filter(|&x| (0..ch).filter(|&y| crop.get_pixel(x, y).0[0] < t).count() >= 2)
            .collect();
        let (Some(&y0), Some(&y1), Some(&x0), Some(&x1)) = (
            dark_rows.first(),
            dark_rows.last(),
            dark_cols.first(),
            dark_cols.last(),
        ) else {
            return CellCrop {
                image: crop,
                region,
                offset: (
                    i64::from(region.x0) - i64::from(m),
                    i64::from(region.y0) - i64::from(m),
                ),
            };
        };
        let ink = BBox {
            x0: x0.saturating_sub(m),
            y0: y0.saturating_sub(m),
            x1: (x1 + 1 + m).min(cw),
            y1: (y1 + 1 + m).min(ch),
        };
        let trimmed =
            image::imageops::crop_imm(&crop, ink.x0, ink.y0, ink.width(), ink.height()).to_image();
        CellCrop {
            image: trimmed,
            region,
            offset: (
                i64::from(region.x0) - i64::from(m) + i64::from(ink.x0),
                i64::from(region.y0) - i64::from(m) + i64::from(ink.y0),
            ),
        }
    }

    /// The crop's first text line alone, when what follows it stands well apart (a gap more than
    /// twice the line's height): the `1.` at the top of a tall merged item-number cell, without a
    /// speck or a stroke far below it that makes Tesseract's line mode read `|`. None otherwise.
    pub fn first_line(&self) -> Option<CellCrop> {
        let img = &self.image;
        let t = threshold(img);
        let (w, h) = img.dimensions();
        let dark = |y: u32| (0..w).filter(|&x| img.get_pixel(x, y).0[0] < t).count() >= 2;
        let rows: Vec<u32> = (0..h).filter(|&y| dark(y)).collect();
        let (&y0, _) = rows.split_first()?;
        // The first band: dark rows with gaps of up to 4 rows bridged.
        let mut y1 = y0;
        let mut next = None;
        for &y in &rows[1..] {
            if y > y1 + 5 {
                next = Some(y);
                break;
            }
            y1 = y;
        }
        let next = next?;
        let band = y1 + 1 - y0;
        if next - y1 <= 2 * band {
            return None;
        }
        let m = Self::MARGIN;
        let top = y0.saturating_sub(m);
        let bottom = (y1 + 1 + m).min(h);
        let cols: Vec<u32> = (0..w)
            .filter(|&x| (y0..=y1).any(|y| img.get_pixel(x, y).0[0] < t))
            .collect();
        let (&x0, &x1) = (cols.first()?, cols.last()?);
        let (left, right) = (x0.saturating_sub(m), (x1 + 1 + m).min(w));
        let image =
            image::imageops::crop_imm(img, left, top, right - left, bottom - top).to_image();
        Some(CellCrop {
            image,
            region: self.region,
            offset: (
                self.offset.0 + i64::from(left),
                self.offset.1 + i64::from(top),
            ),
        })
    }

    /// Moves boxes of words read on the crop to the page image's pixels (kept inside the region).
    pub fn to_page(&self, lines: &mut [Line]) {
        let r = self.region;
        let (dx, dy) = self.offset;
        let at = |v: u32, d: i64, lo: u32, hi: u32| {
            (i64::from(v) + d).clamp(i64::from(lo), i64::from(hi.max(lo))) as u32
        };
        let map = |b: BBox| BBox {
            x0: at(b.x0, dx, r.x0, r.x1),
            y0: at(b.y0, dy, r.y0, r.y1),
            x1: at(b.x1, dx, r.x0, r.x1),
            y1: at(b.y1, dy, r.y0, r.y1),
        };
        for l in lines {
            l.bbox = l.bbox.map(map);
            for w in &mut l.words {
                w.bbox = w.bbox.map(map);
            }
        }
    }
}

/// Whites out rows near the top and bottom, and columns near the left and right, of the content
/// inside a `m`-pixel margin that are mostly dark: what is left of a ruling line.
fn clear_edge_rules(crop: &mut GrayImage, m: u32) {
    let (w, h) = crop.dimensions();
    if w <= 2 * m || h <= 2 * m {
        return;
    }
    let t = threshold(crop);
    let (iw, ih) = (w - 2 * m, h - 2 * m);
    let band_h = (ih / 4).min(10);
    let band_w = (iw / 4).min(10);
    let rows = (m..m + band_h).chain((m + ih - band_h)..(m + ih));
    for y in rows {
        let dark = (m..m + iw)
            .filter(|&x| crop.get_pixel(x, y).0[0] < t)
            .count() as u32;
        if dark * 5 >= iw * 3 {
            for x in m..m + iw {
                crop.put_pixel(x, y, image::Luma([255]));
            }
        }
    }
    let cols = (m..m + band_w).chain((m + iw - band_w)..(m + iw));
    for x in cols {
        let dark = (m..m + ih)
            .filter(|&y| crop.get_pixel(x, y).0[0] < t)
            .count() as u32;
        if dark * 5 >= ih * 3 {
            for y in m..m + ih {
                crop.put_pixel(x, y, image::Luma([255]));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Luma;

    /// Draws a filled rectangle.
    fn rect(img: &mut GrayImage, x0: u32, y0: u32, x1: u32, y1: u32) {
        for y in y0..y1 {
            for x in x0..x1 {
                img.put_pixel(x, y, Luma([0]));
            }
        }
    }

    /// A reader that records the regions asked and answers with their index.
    struct Recorder(Vec<BBox>);
    impl CellReader for Recorder {
        fn read_cell(&mut self, _: &GrayImage, cell: &GridCell, _: CellHint) -> Vec<Line> {
            self.0.push(cell.region);
            let w = Word::new(format!("c{}", self.0.len()), Some(cell.region), 0.9);
            vec![Line {
                bbox: w.bbox,
                block: 0,
                words: vec![w],
            }]
        }
    }

    /// A page like a 150 dpi A4 scan with a 3-column table: header row, a section row spanning
    /// columns 1-2, and two body rows; every cell has a blob of "text".
    fn page() -> GrayImage {
        let mut img = GrayImage::from_pixel(1240, 1754, Luma([235]));
        let xs = [100, 200, 700, 1100];
        let ys = [300, 360, 420, 480, 560];
        for &y in &ys {
            rect(&mut img, 100, y, 1102, y + 2);
        }
        for (i, &x) in xs.iter().enumerate() {
            for r in 0..4 {
                // No wall between columns 1 and 2 in row 1 (the section row).
                if r == 1 && i == 2 {
                    continue;
                }
                rect(&mut img, x, ys[r], x + 2, ys[r + 1] + 2);
            }
        }
        // Text blobs in cells.
        for (r, &y) in ys.iter().take(4).enumerate() {
            for (c, &x) in xs.iter().take(3).enumerate() {
                if r == 1 && c == 2 {
                    continue;
                }
                let (x, y) = (x + 15, y + 15);
                rect(&mut img, x, y, x + 40, y + 12);
            }
        }
        // A heading underline with no verticals: not a table.
        rect(&mut img, 400, 200, 800, 202);
        img
    }

    #[test]
    fn finds_grid_with_merged_section_row() {
        let g = find_grids(&page());
        assert_eq!(g.len(), 1, "{g:?}");
        let g = &g[0];
        assert_eq!(g.xs.len(), 4);
        assert_eq!(g.ys.len(), 5);
        let spans: Vec<(u32, u32, u32)> =
            g.cells.iter().map(|c| (c.row, c.col, c.col_span)).collect();
        assert!(spans.contains(&(1, 1, 2)), "{spans:?}");
        assert_eq!(g.cells.len(), 11);
        for c in &g.cells {
            assert!(c.region.x0 > g.xs[c.col as usize] && c.region.y0 > g.ys[c.row as usize]);
        }
    }

    #[test]
    fn reads_each_cell_once_inside_its_lines() {
        let img = page();
        let mut r = Recorder(Vec::new());
        let t = extract_scan_tables(3, &img, &mut r);
        assert_eq!(t.len(), 1);
        assert_eq!(r.0.len(), 11);
        // The section row's region covers both merged columns.
        assert!(r
            .0
            .iter()
            .any(|b| b.x0 > 200 && b.x0 < 215 && b.x1 > 1090 && b.x1 < 1100));
        let t = &t[0].0;
        assert_eq!(t.pages, vec![3]);
        assert_eq!(t.rows.len(), 3);
        assert_eq!(t.rows[0][2], "", "spanned column is empty: {:?}", t.rows[0]);
    }

    #[test]
    fn page_words_fill_cells_of_a_text_layer_page() {
        use vanban_doc::{Line, Origin, Page, Word};
        let img = page();
        let word = |t: &str, x0: u32, y0: u32| {
            Word::new(
                t,
                Some(BBox {
                    x0,
                    y0,
                    x1: x0 + 30,
                    y1: y0 + 12,
                }),
                1.0,
            )
        };
        let p = Page {
            number: 1,
            width: 1240,
            height: 1754,
            dpi: 150,
            origin: Origin::TextLayer,
            lines: vec![Line {
                bbox: None,
                block: 0,
                words: vec![
                    word("STT", 115, 315),
                    word("Nội", 215, 315),
                    word("dung", 250, 315),
                ],
            }],
        };
        let t = extract_scan_tables(1, &img, &mut PageWordsReader::new(&p));
        assert_eq!(
            t[0].0.header[..2],
            ["STT".to_string(), "Nội dung".to_string()]
        );
    }

    proptest::proptest! {
        #[test]
        fn any_image_is_safe(w in 0u32..90, h in 0u32..90, seed in proptest::prelude::any::<u64>()) {
            let mut x = seed | 1;
            let img = GrayImage::from_fn(w, h, |_, _| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                Luma([if x % 3 == 0 { 0 } else { 255 }])
            });
            for g in find_grids(&img) {
                for c in &g.cells {
                    proptest::prop_assert!(c.region.x1 <= w && c.region.y1 <= h);
                }
            }
        }
    }

    /// Draws a ruled grid with the given walls left out: `skip_h` = (boundary row, column) pieces
    /// of horizontal ruling missing.
    fn ruled(img: &mut GrayImage, xs: &[u32], ys: &[u32], skip_h: &[(usize, usize)]) {
        for (r, &y) in ys.iter().enumerate() {
            for c in 0..xs.len() - 1 {
                if !skip_h.contains(&(r, c)) {
                    rect(img, xs[c], y, xs[c + 1] + 2, y + 2);
                }
            }
        }
        for &x in xs {
            rect(img, x, ys[0], x + 2, ys[ys.len() - 1] + 2);
        }
    }

    #[test]
    fn row_spans_and_two_tables_on_a_page() {
        let mut img = GrayImage::from_pixel(1240, 1754, Luma([240]));
        // Table 1: column 0 of rows 1 and 2 merged (no ruling between them there).
        ruled(
            &mut img,
            &[100, 300, 700, 1100],
            &[200, 260, 320, 380],
            &[(2, 0)],
        );
        // Table 2, lower down: 2 x 2.
        ruled(&mut img, &[100, 600, 1100], &[900, 960, 1020], &[]);
        let g = find_grids(&img);
        assert_eq!(g.len(), 2, "{g:?}");
        assert!(g[0].bbox.y0 < g[1].bbox.y0);
        let merged = g[0]
            .cells
            .iter()
            .find(|c| c.row == 1 && c.col == 0)
            .expect("cell (1,0)");
        assert_eq!((merged.row_span, merged.col_span), (2, 1));
        assert_eq!(g[0].cells.len(), 8);
        assert_eq!(g[1].cells.len(), 4);
    }

    #[test]
    fn a_two_row_header_and_rows_cut_by_the_page_edges() {
        // 150 dpi. Header: columns 0 and 1 span both header rows, column 2's heading spans columns
        // 2-3 over `Tổng | Khác`. The verticals run on 200 px above the first rule (a row coming in
        // from the page before) and 150 px below the last (a row going on to the next page).
        let mut img = GrayImage::from_pixel(1240, 1754, Luma([240]));
        let xs = [100u32, 200, 600, 850, 1100];
        let ys = [500u32, 560, 620, 700, 780];
        for (r, &y) in ys.iter().enumerate() {
            for c in 0..4 {
                // No rule under `STT` and `Nội dung` between the two header rows.
                if !(r == 1 && c < 2) {
                    rect(&mut img, xs[c], y, xs[c + 1] + 2, y + 2);
                }
            }
        }
        for (i, &x) in xs.iter().enumerate() {
            // No wall between columns 2 and 3 in header row 0.
            let top = if i == 3 { ys[1] } else { ys[0] - 200 };
            if i == 3 {
                rect(&mut img, x, ys[0] - 200, x + 2, ys[0]);
            }
            rect(&mut img, x, top, x + 2, ys[4] + 150);
        }
        let g = find_grids(&img);
        assert_eq!(g.len(), 1, "{g:?}");
        let g = &g[0];
        assert_eq!(
            g.cut,
            Cut {
                top: true,
                bottom: true
            }
        );
        assert_eq!((g.xs.len(), g.ys.len()), (5, 7), "{:?}", g.ys);
        assert!(g.bbox.y0 <= 305 && g.bbox.y1 >= 925, "{:?}", g.bbox);
        let at = |r, c| g.cells.iter().find(|x| x.row == r && x.col == c);
        // Row 0 is the open part above; the header is rows 1-2.
        assert_eq!(at(1, 0).map(|c| (c.row_span, c.col_span)), Some((2, 1)));
        assert_eq!(at(1, 2).map(|c| (c.row_span, c.col_span)), Some((1, 2)));
        assert_eq!(at(2, 3).map(|c| (c.row_span, c.col_span)), Some((1, 1)));
        assert_eq!(at(0, 3).map(|c| c.col_span), Some(1));
        assert_eq!(at(5, 0).map(|c| c.row_span), Some(1));
        // A closed table is not cut.
        let closed = find_grids(&page());
        assert_eq!(closed[0].cut, Cut::default());
    }

    #[test]
    fn blank_page_has_no_tables() {
        let img = GrayImage::from_pixel(600, 800, Luma([250]));
        assert!(find_grids(&img).is_empty());
        assert!(find_grids(&GrayImage::new(0, 0)).is_empty());
    }

    #[test]
    fn a_cell_crop_loses_its_ruling_remnants_and_is_trimmed_to_its_ink() {
        let mut img = GrayImage::from_pixel(400, 300, Luma([240]));
        // Remnants of the rulings along the top and left edges of the region, and a word.
        rect(&mut img, 100, 100, 300, 103);
        rect(&mut img, 100, 100, 102, 200);
        rect(&mut img, 150, 140, 210, 160);
        let region = BBox {
            x0: 100,
            y0: 100,
            x1: 300,
            y1: 200,
        };
        let crop = CellCrop::new(&img, region);
        let m = CellCrop::MARGIN;
        // The word and a margin all round, nothing else.
        assert_eq!(crop.image.dimensions(), (60 + 2 * m, 20 + 2 * m));
        let dark: Vec<(u32, u32)> = crop
            .image
            .enumerate_pixels()
            .filter(|p| p.2 .0[0] < 128)
            .map(|p| (p.0, p.1))
            .collect();
        assert_eq!(dark.len(), 60 * 20);
        assert_eq!(dark[0], (m, m));
        // Boxes read on the crop land back on the word in the page.
        let mut lines = vec![Line {
            bbox: None,
            block: 0,
            words: vec![Word::new(
                "x",
                Some(BBox {
                    x0: m,
                    y0: m,
                    x1: m + 60,
                    y1: m + 20,
                }),
                0.9,
            )],
        }];
        crop.to_page(&mut lines);
        assert_eq!(
            lines[0].words[0].bbox,
            Some(BBox {
                x0: 150,
                y0: 140,
                x1: 210,
                y1: 160
            })
        );
    }

    #[test]
    fn text_lines_are_counted_by_ink_bands() {
        let mut img = GrayImage::from_pixel(400, 300, Luma([240]));
        let b = BBox {
            x0: 0,
            y0: 0,
            x1: 400,
            y1: 300,
        };
        assert_eq!(text_bands(&img, b, 128, 300.0), 0);
        // Two lines of text, a diacritic 4 px above the first, and a speck.
        rect(&mut img, 20, 40, 300, 70);
        rect(&mut img, 40, 32, 48, 36);
        rect(&mut img, 20, 110, 300, 140);
        rect(&mut img, 350, 200, 353, 203);
        assert_eq!(text_bands(&img, b, 128, 300.0), 2);
        // Three lines whose diacritics touch the line above (a bilevel 200 dpi scan): one band of
        // three lines' height.
        let mut img = GrayImage::from_pixel(400, 300, Luma([240]));
        rect(&mut img, 20, 40, 300, 160);
        assert_eq!(text_bands(&img, b, 128, 200.0), 3);
    }

    #[test]
    fn table_rows_go_into_the_page_text_where_the_table_stands() {
        let line = |text: &str, y: u32, block: u32| Line {
            bbox: Some(BBox {
                x0: 0,
                y0: y,
                x1: 100,
                y1: y + 20,
            }),
            block,
            words: vec![Word::new(text, None, 1.0)],
        };
        let mut page = vec![line("above", 100, 0), line("below", 900, 1)];
        let table = BBox {
            x0: 0,
            y0: 300,
            x1: 500,
            y1: 700,
        };
        insert_table_lines(
            &mut page,
            table,
            vec![line("r1", 320, 0), line("r2", 400, 0)],
        );
        let order: Vec<(String, u32)> = page.iter().map(|l| (l.raw_text(), l.block)).collect();
        assert_eq!(
            order,
            [
                ("above".to_string(), 0),
                ("r1".to_string(), 2),
                ("r2".to_string(), 2),
                ("below".to_string(), 1)
            ]
        );
        // Blanking whites out the table (and its ruling's thickness) and nothing else.
        let mut img = page_img_with_text_outside();
        let g = find_grids(&img);
        assert_eq!(g.len(), 1);
        blank_grids(&mut img, &g);
        assert!(find_grids(&img).is_empty());
        assert_eq!(
            img.get_pixel(110, 250).0[0],
            0,
            "text above the table stays"
        );
    }

    /// The 150 dpi page of [`page`] with a mark of text above the table.
    fn page_img_with_text_outside() -> GrayImage {
        let mut img = page();
        rect(&mut img, 105, 245, 140, 260);
        img
    }

    #[test]
    fn stt_values() {
        for s in ["1", "1.1", "1.4.1", "II", "a", "3."] {
            assert!(is_stt(s), "{s}");
        }
        for s in ["STT", "TT", "Nội dung", ""] {
            assert!(!is_stt(s), "{s}");
        }
    }
}
