//! Ruled tables in a page image: the ruling lines are found as long dark runs (horizontal and
//! vertical, joined into connected components so that a slightly skewed line stays one line), the
//! lines that cross each other form a table, their positions give the grid, and a missing piece of
//! ruling between two grid slots merges them into one cell (a section row spanning the columns, a
//! cell spanning rows). Each cell's inner region is then read by a [`CellReader`].

use image::GrayImage;
use vanban_doc::{BBox, Cell, Table};

/// Reads the text of one cell region of a page image (in the pipeline: Tesseract on the region,
/// then the restorer). Returns the text and its confidence, 0..1.
pub trait CellReader {
    /// Reads the text inside `region` of `image`.
    fn read_cell(&mut self, image: &GrayImage, region: BBox) -> (String, f32);
}

/// A [`CellReader`] for pages that already have words with boxes in the image's pixel space (a
/// PDF's text layer, or OCR of the whole page): a cell's text is the words whose centre falls in
/// the region, in reading order; its confidence the lowest of theirs.
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
    fn read_cell(&mut self, _image: &GrayImage, r: BBox) -> (String, f32) {
        let mut text = String::new();
        let mut conf = 1.0f32;
        for w in self.page.lines.iter().flat_map(|l| &l.words) {
            let Some(b) = w.bbox else { continue };
            let (cx, cy) = (mid(b.x0, b.x1), mid(b.y0, b.y1));
            if cx >= r.x0 && cx < r.x1 && cy >= r.y0 && cy < r.y1 && !w.text.is_empty() {
                if !text.is_empty() {
                    text.push(' ');
                }
                text.push_str(&w.text);
                conf = conf.min(w.conf);
            }
        }
        (text, conf)
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

/// A table's grid found in a page image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grid {
    /// The table's outer box.
    pub bbox: BBox,
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
    for p in img.as_raw() {
        hist[*p as usize] += 1;
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

/// Finds the ruled tables of a page image and their grids.
pub fn find_grids(image: &GrayImage) -> Vec<Grid> {
    let (w, h) = image.dimensions();
    if w < 20 || h < 20 {
        return Vec::new();
    }
    let t = threshold(image);
    let raw = image.as_raw();
    // Scale from the page width (A4 is 8.27 in wide).
    let dpi = (w as f32 / 8.27).clamp(50.0, 1200.0);
    let min_h = (w / 30).max(20);
    let min_v = ((dpi * 0.12) as u32).max(12);
    let tol = ((dpi / 30.0) as u32).max(4);

    // One pass over the rows (cache-friendly): horizontal runs row by row, vertical runs kept
    // open per column.
    const GAP: u32 = 2;
    let mut hruns = Vec::with_capacity(h as usize);
    let mut vruns: Vec<Vec<(u32, u32)>> = vec![Vec::new(); w as usize];
    let mut vopen: Vec<(u32, u32)> = vec![(u32::MAX, 0); w as usize]; // (start, last dark)
    for (y, row) in (0u32..).zip(raw.chunks_exact(w as usize)) {
        let mut r = Vec::new();
        runs_of(row.iter().map(|&p| p < t), min_h, GAP, &mut r);
        hruns.push(r);
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
    let hs: Vec<Rule> = components(&hruns)
        .into_iter()
        .filter(|&(x0, x1, _, _)| x1 - x0 >= min_h)
        .map(|(x0, x1, y0, y1)| Rule {
            b: BBox { x0, y0, x1, y1 },
        })
        .filter(|r| r.b.height() <= r.b.width() / 8 + 2 * tol)
        .collect();
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
        .filter_map(|(h, v)| build_grid(&h, &v, tol, image))
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

fn build_grid(hs: &[Rule], vs: &[Rule], tol: u32, image: &GrayImage) -> Option<Grid> {
    let ys = cluster(hs.iter().map(Rule::cy).collect(), tol);
    let xs = cluster(vs.iter().map(Rule::cx).collect(), tol);
    if ys.len() < 2 || xs.len() < 2 {
        return None;
    }
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
    let cells = rects
        .into_iter()
        .map(|(r0, c0, r1, c1)| {
            let b = BBox {
                x0: xs[c0] + pad,
                y0: ys[r0] + pad,
                x1: xs[c1 + 1].saturating_sub(pad).max(xs[c0] + pad + 1),
                y1: ys[r1 + 1].saturating_sub(pad).max(ys[r0] + pad + 1),
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
    let mut dark = 0u32;
    let mut all = 0u32;
    for y in b.y0..b.y1 {
        for x in b.x0..b.x1 {
            all += 1;
            if image.get_pixel(x, y).0[0] < t {
                dark += 1;
            }
        }
    }
    if all == 0 {
        0.0
    } else {
        dark as f32 / all as f32
    }
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

/// Finds the ruled tables on a page image, reads every non-empty cell with `reader`, and returns
/// them as tables of that page (row 0 is a header when its first cell is not an STT value and no
/// cell of it spans columns).
pub fn extract_scan_tables(
    page_number: u32,
    image: &GrayImage,
    reader: &mut dyn CellReader,
) -> Vec<Table> {
    let t = threshold(image);
    let mut out = Vec::new();
    for g in find_grids(image) {
        let ncols = g.xs.len() - 1;
        let nrows = g.ys.len() - 1;
        if ncols < 1 || nrows < 1 {
            continue;
        }
        let mut cells: Vec<Cell> = Vec::with_capacity(g.cells.len());
        for gc in &g.cells {
            let (text, conf) = if ink(image, gc.region, t) < 0.002 {
                (String::new(), 1.0)
            } else {
                let (s, c) = reader.read_cell(image, gc.region);
                (crate::text::normalize(&s), c.clamp(0.0, 1.0))
            };
            cells.push(Cell {
                row: gc.row,
                col: gc.col,
                row_span: gc.row_span,
                col_span: gc.col_span,
                text,
                conf,
            });
        }
        out.push(crate::tables::table_from_cells(
            page_number,
            nrows,
            ncols,
            cells,
        ));
    }
    out
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
        fn read_cell(&mut self, _: &GrayImage, region: BBox) -> (String, f32) {
            self.0.push(region);
            (format!("c{}", self.0.len()), 0.9)
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
        let t = &t[0];
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
            t[0].header[..2],
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
    fn blank_page_has_no_tables() {
        let img = GrayImage::from_pixel(600, 800, Luma([250]));
        assert!(find_grids(&img).is_empty());
        assert!(find_grids(&GrayImage::new(0, 0)).is_empty());
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
