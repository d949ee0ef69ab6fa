//! End to end in headless Chromium: the review page as a clerk uses it (keyboard, click on a word,
//! decisions saved), checked through the DOM and a screenshot, and the saved decisions applied.

mod common;

use std::path::{Path, PathBuf};

use vanban_review::{apply_review, review_html, ReviewDecisions};

/// Runs headless Chromium on `page` at the test window size, letting timers and images settle.
fn chromium(dir: &Path, page: &Path, extra: &[&str]) -> String {
    let mut args = vec![
        "--hide-scrollbars",
        "--window-size=1400,900",
        "--virtual-time-budget=4000",
    ];
    args.extend_from_slice(extra);
    common::chromium::run(dir, page, &args)
}

/// The text of the element with `id` in a dumped DOM, entities decoded.
fn element_text(dom: &str, id: &str) -> String {
    let open = format!("id=\"{id}\">");
    let start = dom
        .find(&open)
        .unwrap_or_else(|| panic!("no #{id} in the DOM:\n{dom}"))
        + open.len();
    let end = start + dom[start..].find("</").unwrap();
    dom[start..end]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

/// What a clerk does, as a script run after the page's own: walks the uncertain changes with `j`
/// and `k`, decides on some by keyboard, clicks an unchanged word and types its right text, and
/// records what the page showed.
const DRIVER: &str = r#"<script>
(function () {
  function key(k) { document.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true })); }
  function where(el) { var l = el.parentNode; return l.parentNode.dataset.p + '/' + l.dataset.l + '/' + [].indexOf.call(l.children, el); }
  function sel() { return document.querySelector('.sel'); }
  var r = { j: [], k: [] };
  var n = document.querySelectorAll('.l>span.u').length;
  for (var i = 0; i <= n; i++) { key('j'); r.j.push(where(sel())); }
  r.outline = getComputedStyle(sel()).outlineStyle;
  key('k'); r.k.push(where(sel())); key('k'); r.k.push(where(sel()));
  // Around to the first uncertain change: accept it, reject the second, take alternative 1 for the third.
  key('j'); key('j'); key('a');
  key('j'); key('r');
  key('j'); key('1');
  r.panel = document.getElementById('vb-word').textContent;
  // Click an unchanged garbled word on page 1 and type its right text (old tone placement).
  var target = document.querySelector('#p1 .l[data-l="3"]>span:nth-child(3)');
  target.click();
  var f = document.getElementById('vb-fix');
  f.value = ' hoà ';
  document.getElementById('vb-form').requestSubmit();
  r.fixed = target.dataset.fix;
  r.crop = { hidden: document.getElementById('vb-crop').hidden,
             region: document.getElementById('vb-crop').dataset.region,
             src: document.getElementById('vb-img').getAttribute('src') };
  // Save with `s`: the page offers a Blob download; read back what the clerk would get.
  HTMLAnchorElement.prototype.click = function () { r.clicked = this.download; };
  key('s');
  var a = document.getElementById('vb-dl');
  r.count = document.getElementById('vb-count').textContent;
  fetch(a.href).then(function (res) { return res.text(); }).then(function (text) {
    r.saved = text;
    var pre = document.createElement('pre');
    pre.id = 'vb-test-out';
    pre.textContent = JSON.stringify(r);
    document.body.appendChild(pre);
  });
})();
</script>
"#;

struct Setup {
    _dir: tempfile::TempDir,
    dir: PathBuf,
    page: PathBuf,
    doc: vanban_doc::Document,
}

fn setup() -> Setup {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().canonicalize().unwrap();
    let stem = dir.join("ke-hoach");
    let doc = common::scanned_doc();
    let images = common::write_page_images(&doc, &stem);
    let html = review_html(&doc, &images);
    let driven = html.replace("</body>", &format!("{DRIVER}</body>"));
    let page = dir.join("ke-hoach.review.html");
    std::fs::write(&page, driven).unwrap();
    Setup {
        _dir: tmp,
        dir,
        page,
        doc,
    }
}

#[test]
fn clerk_walks_decides_and_saves_in_chromium() {
    let s = setup();
    let dom = chromium(&s.dir, &s.page, &["--dump-dom"]);
    // The page itself: changes highlighted, uncertain ones marked, raw markup escaped.
    assert_eq!(
        dom.matches("<span class=\"c u").count(),
        5,
        "uncertain changes"
    );
    assert!(dom.contains("<del>Chi</del><ins>Chỉ</ins>"));
    assert!(
        dom.contains("&lt;b&gt;&amp;amp;"),
        "raw OCR text must stay text"
    );
    assert!(dom.contains("PHỤ LỤC I") && dom.contains("Cải cách &lt;hành chính&gt;"));
    let r: serde_json::Value = serde_json::from_str(&element_text(&dom, "vb-test-out")).unwrap();
    // `j` reaches every uncertain change in reading order, then wraps around.
    let j: Vec<&str> = r["j"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(j, ["1/1/2", "1/4/0", "1/4/2", "2/1/0", "2/2/1", "1/1/2"]);
    assert_eq!(r["k"], serde_json::json!(["2/2/1", "2/1/0"]));
    assert_eq!(r["outline"], "solid", "the focused change is outlined");
    assert!(
        r["panel"].as_str().unwrap().contains("sửa thành hạnh"),
        "{}",
        r["panel"]
    );
    assert_eq!(
        r["fixed"], "hòa",
        "typed text shown in NFC with the new tone placement"
    );
    // Clicking a word shows its region of page 1's image.
    assert_eq!(r["crop"]["hidden"], false);
    assert_eq!(r["crop"]["src"], "ke-hoach.page-1.jpg");
    let region: Vec<u32> = r["crop"]["region"]
        .as_str()
        .unwrap()
        .split(' ')
        .map(|x| x.parse().unwrap())
        .collect();
    let b = s.doc.pages[0].lines[3].words[2].bbox.unwrap();
    assert_eq!(region[0], 1);
    assert!(
        region[1] <= b.x0 && region[2] <= b.y0 && region[3] >= b.x1 && region[4] >= b.y1,
        "{region:?} {b:?}"
    );
    // The saved decisions apply to the document.
    assert_eq!(
        r["clicked"], "ke-hoach.review.json",
        "download named after the page"
    );
    assert_eq!(r["count"], "4 quyết định");
    let decisions: ReviewDecisions = serde_json::from_str(r["saved"].as_str().unwrap()).unwrap();
    assert_eq!(
        decisions.document.as_deref(),
        Some(s.dir.join("ke-hoach.json").to_str().unwrap())
    );
    assert_eq!(decisions.decisions.len(), 4);
    let mut doc = s.doc.clone();
    let confirmed = apply_review(&mut doc, &decisions).unwrap();
    let text = doc.render_text();
    assert!(
        text.starts_with("UBND TỈNH BÌNH PHƯỚC\nSỞ NGOẠI VỤ\n\nSố: 67/KH-NV\n\nKế hoạch hòa cải cách\nChi số hạnh chính\n"),
        "{text}"
    );
    assert_eq!(doc.restoration.uncertain, 2);
    assert_eq!(
        confirmed,
        ["VỤ", "hòa", "hạnh"],
        "in reading order; 'keep the original' (Chi) is not learned"
    );
}

/// Counts pixels of colour `c` (±`tol` per channel) in columns `x0..x1`.
fn count_color(img: &image::RgbaImage, c: [u8; 3], tol: u8, x0: u32, x1: u32) -> usize {
    img.enumerate_pixels()
        .filter(|(x, _, p)| (x0..x1).contains(x) && (0..3).all(|i| p.0[i].abs_diff(c[i]) <= tol))
        .count()
}

#[test]
fn screenshot_shows_highlights_and_the_clicked_word_region() {
    let s = setup();
    let shot = s.dir.join("shot.png");
    chromium(
        &s.dir,
        &s.page,
        &[&format!("--screenshot={}", shot.display())],
    );
    if let Ok(keep) = std::env::var("VANBAN_KEEP_SHOT") {
        std::fs::copy(&shot, keep).unwrap();
    }
    let img = image::open(&shot)
        .unwrap_or_else(|e| panic!("{}: {e}", shot.display()))
        .to_rgba8();
    let (w, h) = img.dimensions();
    assert_eq!((w, h), (1400, 900));
    let panel = w - 430;
    // Certain changes (green), uncertain ones (amber) and struck raw words (red) in the text.
    assert!(
        count_color(&img, [0xd1, 0xfa, 0xe5], 2, 0, panel) > 200,
        "certain changes"
    );
    assert!(
        count_color(&img, [0xfd, 0xe6, 0x8a], 2, 0, panel) > 100,
        "uncertain changes"
    );
    assert!(
        count_color(&img, [0xfe, 0xe2, 0xe2], 2, 0, panel) > 200,
        "raw words"
    );
    // The panel shows the page image with the clicked word outlined in red, ink inside the box.
    let red: Vec<(u32, u32)> = img
        .enumerate_pixels()
        .filter(|(x, _, p)| *x >= panel && p.0[0] > 200 && p.0[1] < 60 && p.0[2] < 60)
        .map(|(x, y, _)| (x, y))
        .collect();
    assert!(
        red.len() > 100,
        "outline of the clicked word: {} red pixels",
        red.len()
    );
    let (rx0, rx1) = (
        red.iter().map(|p| p.0).min().unwrap(),
        red.iter().map(|p| p.0).max().unwrap(),
    );
    let (ry0, ry1) = (
        red.iter().map(|p| p.1).min().unwrap(),
        red.iter().map(|p| p.1).max().unwrap(),
    );
    let centre = img.get_pixel((rx0 + rx1) / 2, (ry0 + ry1) / 2).0;
    assert!(
        (0..3).all(|i| centre[i].abs_diff(common::INK[i]) < 40),
        "inside the outline should be the word's ink, found {centre:?}"
    );
}

#[test]
fn index_sorts_by_uncertainty_in_chromium() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().canonicalize().unwrap();
    let entry = |stem: &str, changes, uncertain, failure: Option<&str>| vanban_review::IndexEntry {
        output_stem: stem.into(),
        source: format!("in/{stem}.pdf"),
        pages: 3,
        changes,
        uncertain,
        failure: failure.map(Into::into),
        ..Default::default()
    };
    let html = vanban_review::index_html(&[
        entry("a", 40, 2, None),
        entry("b", 12, 9, None),
        entry("c", 30, 5, None),
        entry("d", 0, 0, Some("in/d.pdf: no pages")),
    ]);
    let driver = r#"<script>
(function () {
  function order() { return [].map.call(document.querySelectorAll('#docs tbody tr'), function (r) { return r.cells[0].textContent; }).join(' '); }
  var h = document.querySelectorAll('#docs th')[8], r = { initial: order() };
  h.click(); r.descending = order();
  h.click(); r.ascending = order();
  document.querySelectorAll('#docs th')[0].click(); r.byName = order();
  var pre = document.createElement('pre'); pre.id = 'vb-test-out'; pre.textContent = JSON.stringify(r);
  document.body.appendChild(pre);
})();
</script>"#;
    let page = dir.join("index.html");
    std::fs::write(&page, html.replace("</body>", &format!("{driver}</body>"))).unwrap();
    let dom = chromium(&dir, &page, &["--dump-dom"]);
    assert!(dom.contains("<a href=\"b.review.html\">b</a>"));
    let r: serde_json::Value = serde_json::from_str(&element_text(&dom, "vb-test-out")).unwrap();
    assert_eq!(
        r["initial"], "d b c a",
        "failures, then most uncertain first"
    );
    assert_eq!(
        r["descending"], "b c a d",
        "a number column sorts largest first on its first click"
    );
    assert_eq!(r["ascending"], "d a c b");
    assert_eq!(r["byName"], "a b c d", "text columns sort A to Z first");
}
