//! A clerk's whole review session in real Chromium (driven through chromedriver) against the real
//! `vanban review` server on real outputs: open the index, jump to the first uncertain change, fix
//! it, fix the document number in the text, keep an original, edit the signer in the metadata
//! panel, fix a table cell, reload and see everything kept; then `.txt`, `<stem>.json` (metadata
//! and `reviewed` marks), the table CSV, the index and the lexicon on disk. Also the server's
//! guards: no token, another origin, another host name, paths out of the folder.

mod common;
#[path = "common/webdriver.rs"]
mod webdriver;

use std::io::BufRead as _;
use std::path::Path;
use std::process::{Child, Stdio};

use serde_json::json;
use webdriver::{http, Browser, ENTER};

/// The review server, stopped when dropped.
struct ReviewServer {
    child: Child,
    port: u16,
}

impl ReviewServer {
    fn start(out: &Path, lexicon: &Path) -> ReviewServer {
        let mut c = common::vanban();
        c.args(["review", "--by", "clerk-a", "--lexicon"])
            .arg(lexicon)
            .arg(out)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        let mut child = c.spawn().expect("start vanban review");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .split("http://127.0.0.1:")
            .nth(1)
            .and_then(|r| r.split('/').next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no address printed: {line:?}"));
        ReviewServer { child, port }
    }
}

impl Drop for ReviewServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn json_file(p: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

/// Marks the first word span of the page whose text is `text` with id `id` (for clicking it).
fn tag_word(b: &Browser, text: &str, id: &str) {
    let found = b.js(
        "var want=arguments[0],id=arguments[1];\
         var w=[].slice.call(document.querySelectorAll('.l>span')).find(function(s){\
         var i=s.querySelector('ins');return (i?i.textContent:s.textContent)===want;});\
         if(w){w.id=id;}return !!w;",
        json!([text, id]),
    );
    assert_eq!(found, json!(true), "no word {text:?} on the page");
}

fn wait_saved(b: &Browser, n: usize) {
    b.wait_for(
        &format!("the server to save {n} decisions"),
        &format!(
            "var s=document.getElementById('vb-status').textContent;\
             return s.indexOf('Đã lưu {n} quyết định')===0 ? s : (s.indexOf('Chưa lưu')===0 ? 'ERR '+s : false);"
        ),
    );
    let status = b.text(&b.find("#vb-status"));
    assert!(
        !status.starts_with("ERR") && !status.contains("Chưa lưu"),
        "{status}"
    );
}

#[test]
fn a_clerks_session_sticks_and_reaches_every_output() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().canonicalize().unwrap();
    let input = dir.join("in");
    std::fs::create_dir(&input).unwrap();
    for f in ["ocr-eng.txt", "ke-hoach.pdf"] {
        std::fs::copy(common::fixture(f), input.join(f)).unwrap();
    }
    let out = dir.join("out");
    let mut c = common::vanban();
    c.args(["ingest", "-q", "--csv-excel", "--out"])
        .arg(&out)
        .arg(&input);
    let o = common::run(c);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let lexicon = dir.join("lex.txt");
    let server = ReviewServer::start(&out, &lexicon);
    let base = format!("http://127.0.0.1:{}/", server.port);

    // The guards, as a hostile page or a curious user would try them.
    let page = http(server.port, "GET", "/ocr-eng.review.html", &[], &[]);
    assert_eq!(page.status, 200);
    let token = page
        .text()
        .split("name=\"vanban-token\" content=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("token in the served page")
        .to_string();
    let before = std::fs::read(out.join("ocr-eng.json")).unwrap();
    let body = br#"{"format":"vanban-review/1","source":"x","sha256":"x","decisions":[]}"#;
    let with_token = format!("X-Vanban-Token: {token}");
    for (what, headers, want) in [
        ("no token", vec![], 403),
        ("a wrong token", vec!["X-Vanban-Token: 00"], 403),
        (
            "another origin",
            vec![with_token.as_str(), "Origin: http://evil.example"],
            403,
        ),
        (
            "another host name",
            vec![with_token.as_str(), "Host: evil.example:80"],
            403,
        ),
    ] {
        let r = http(server.port, "POST", "/ocr-eng.review.json", &headers, body);
        assert_eq!(r.status, want, "a write with {what}: {}", r.text());
    }
    assert_eq!(
        std::fs::read(out.join("ocr-eng.json")).unwrap(),
        before,
        "nothing written"
    );
    std::fs::write(dir.join("secret.txt"), "secret").unwrap();
    for path in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/..%2Fsecret.txt",
        "/%2Fetc%2Fpasswd",
    ] {
        let r = http(server.port, "GET", path, &[], &[]);
        assert_eq!(r.status, 404, "{path} must stay inside the folder");
    }
    let r = http(
        server.port,
        "POST",
        "/../x.review.json",
        &[with_token.as_str()],
        body,
    );
    assert_eq!(r.status, 404, "no write outside the folder");
    // While a run holds the folder, a save waits for it (refused, nothing written).
    let doc0 = json_file(&out.join("ocr-eng.json"));
    let empty = serde_json::to_vec(
        &json!({"format": "vanban-review/1", "source": doc0["source"]["path"],
        "sha256": doc0["source"]["sha256"], "decisions": []}),
    )
    .unwrap();
    {
        let lock = std::fs::File::open(out.join(".vanban.lock")).unwrap();
        rustix::fs::flock(&lock, rustix::fs::FlockOperation::LockExclusive).unwrap();
        let r = http(
            server.port,
            "POST",
            "/ocr-eng.review.json",
            &[with_token.as_str()],
            &empty,
        );
        assert_eq!(r.status, 409, "{}", r.text());
        assert!(r.text().contains("vanban ingest"), "{}", r.text());
    }
    assert!(!out.join("ocr-eng.review.json").exists());

    let b = Browser::start(&dir);
    // The index: type, number, date, issuer per document, in Vietnamese.
    b.goto(&base);
    let row = b.text(&b.find("a[href='ocr-eng.review.html']"));
    assert_eq!(row, "ocr-eng");
    let table = b.text(&b.find("#docs"));
    assert!(
        table.contains("Tờ trình") && table.contains("68/TTr-TCKH") && table.contains("2022-11-18"),
        "{table}"
    );
    assert!(
        table.contains("Số, ký hiệu") && table.contains("Cần soát"),
        "{table}"
    );
    b.click(&b.find("a[href='ocr-eng.review.html']"));
    b.wait_for("the review page", "return document.getElementById('vb-status') && document.getElementById('vb-status').textContent.indexOf('Máy chủ') === 0;");

    // Jump to the first uncertain change and fix it.
    b.keys("j");
    let first = b.js(
        "var s=document.querySelector('.sel');return s && s.classList.contains('u') ? s.querySelector('del').textContent : null;",
        json!([]),
    );
    assert_eq!(
        first,
        json!("TINH"),
        "j lands on the first uncertain change"
    );
    let fix = b.find("#vb-fix");
    b.clear(&fix);
    b.type_in(&fix, &format!("TỈNH{ENTER}"));
    wait_saved(&b, 1);
    // The next uncertain change: keep the original (not learned: not marked as a name).
    b.keys("j");
    let second = b.js(
        "return document.querySelector('.sel del').textContent;",
        json!([]),
    );
    b.keys("r");
    wait_saved(&b, 2);
    // Fix the number in the text: the metadata follows at once.
    tag_word(&b, "68/TTr-TCKH", "vb-t-number");
    b.click(&b.find("#vb-t-number"));
    let fix = b.find("#vb-fix");
    b.clear(&fix);
    b.type_in(&fix, &format!("69/TTr-TCKH{ENTER}"));
    wait_saved(&b, 3);
    let shown = b.text(&b.find("tr.mf[data-f='number'] td.mv"));
    assert_eq!(
        shown, "69/TTr-TCKH",
        "the metadata panel shows the new number at once"
    );
    // Edit the signer's name in the metadata panel.
    b.click(&b.find("tr.mf[data-f='signer.name']"));
    let val = b.find("#vb-item-val");
    b.clear(&val);
    b.type_in(&val, &format!("Huỳnh Văn Quốc Bảo{ENTER}"));
    wait_saved(&b, 4);
    // A date that is no day is refused on the page, nothing is saved.
    b.click(&b.find("tr.mf[data-f='issued_date']"));
    let val = b.find("#vb-item-val");
    b.clear(&val);
    b.type_in(&val, &format!("31/02/2022{ENTER}"));
    let status = b.text(&b.find("#vb-status"));
    assert!(status.starts_with("Ngày không hợp lệ"), "{status}");
    assert_eq!(
        b.text(&b.find("tr.mf[data-f='issued_date'] td.mv")),
        "2022-11-18"
    );

    // A table cell of the scanned plan: shown on the scan, edited.
    b.goto(&format!("{base}ke-hoach.review.html"));
    let cell_css = "table[data-t='0'] td[data-r='2'][data-c='3']";
    if b.js(
        "return document.querySelector('details.tbl').open;",
        json!([]),
    ) != json!(true)
    {
        b.click(&b.find("details.tbl summary"));
    }
    let cell = b.find(cell_css);
    assert_eq!(b.text(&cell), "Các phòng, đơn VỊ");
    b.click(&cell);
    let region = b.wait_for(
        "the cell's scan crop",
        "var c=document.getElementById('vb-crop');return !c.hidden && c.dataset.region;",
    );
    assert!(
        region.as_str().unwrap().starts_with("3 "),
        "crop on page 3: {region}"
    );
    let val = b.find("#vb-item-val");
    b.clear(&val);
    b.type_in(&val, &format!("Các phòng, đơn vị{ENTER}"));
    wait_saved(&b, 1);
    // A word of the scan's text: the searchable PDF's text layer follows.
    let pdf_words = |w: &str| {
        let o = std::process::Command::new("pdftotext")
            .arg(out.join("ke-hoach.pdf"))
            .arg("-")
            .output()
            .expect("pdftotext (poppler-utils)");
        String::from_utf8_lossy(&o.stdout)
            .split_whitespace()
            .filter(|x| *x == w)
            .count()
    };
    let (upper, lower) = (pdf_words("VỊ"), pdf_words("vị"));
    assert!(upper > 0, "the scan reads VỊ somewhere");
    tag_word(&b, "VỊ", "vb-t-vi");
    b.click(&b.find("#vb-t-vi"));
    let fix = b.find("#vb-fix");
    b.clear(&fix);
    b.type_in(&fix, &format!("vị{ENTER}"));
    wait_saved(&b, 2);
    assert_eq!(
        (pdf_words("VỊ"), pdf_words("vị")),
        (upper - 1, lower + 1),
        "the PDF's text layer has the fixed word"
    );

    // Reload both pages: everything is kept.
    b.refresh();
    let kept = b.js(
        &format!("return document.querySelector(\"{cell_css}\").textContent;"),
        json!([]),
    );
    assert_eq!(kept, json!("Các phòng, đơn vị"));
    assert!(b.text(&b.find("#vb-count")).starts_with("2 quyết định"));
    b.goto(&format!("{base}ocr-eng.review.html"));
    assert!(
        b.text(&b.find("#vb-count")).starts_with("4 quyết định"),
        "decisions kept after a reload"
    );
    let marks = b.js(
        "return [].slice.call(document.querySelectorAll('.l>span.fx,.l>span.no')).map(function(s){return s.className.split(' ').pop()+':'+(s.dataset.fix||s.querySelector('del').textContent);});",
        json!([]),
    );
    assert_eq!(
        marks,
        json!([
            "fx:TỈNH",
            format!("no:{}", second.as_str().unwrap()),
            "fx:69/TTr-TCKH"
        ])
    );
    assert_eq!(
        b.text(&b.find("tr.mf[data-f='number'] td.mv")),
        "69/TTr-TCKH"
    );
    assert_eq!(
        b.text(&b.find("tr.mf[data-f='signer.name'] td.mv")),
        "Huỳnh Văn Quốc Bảo"
    );
    // Back to the index: the document's row shows the fixed number.
    b.click(&b.find("#vb-index"));
    let row = b.wait_for(
        "the index",
        "var a=document.querySelector(\"a[href='ocr-eng.review.html']\");return a && a.closest('tr').textContent;",
    );
    assert!(row.as_str().unwrap().contains("69/TTr-TCKH"), "{row}");
    drop(b);

    // On disk, without the browser.
    let txt = std::fs::read_to_string(out.join("ocr-eng.txt")).unwrap();
    assert!(
        txt.contains("SƠN TỈNH") && txt.contains("69/TTr-TCKH") && !txt.contains("68/TTr-TCKH"),
        "{txt}"
    );
    let doc = json_file(&out.join("ocr-eng.json"));
    let m = &doc["metadata"];
    assert_eq!(
        m["number"], "69/TTr-TCKH",
        "re-extracted from the corrected word"
    );
    assert_eq!(m["number_parts"]["seq"], "69");
    assert_eq!(m["signer"]["name"], "Huỳnh Văn Quốc Bảo");
    assert_eq!(m["reviewed"]["signer.name"]["by"], "clerk-a");
    assert!(m["reviewed"]["signer.name"]["at"]
        .as_str()
        .is_some_and(|t| t.starts_with("20")));
    let reviewed_words = doc["pages"][0]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|l| l["words"].as_array().unwrap())
        .filter(|w| w["reviewed"]["by"] == "clerk-a")
        .count();
    assert_eq!(reviewed_words, 3);
    let saved = json_file(&out.join("ocr-eng.review.json"));
    assert_eq!(saved["decisions"].as_array().unwrap().len(), 3);
    let csv = std::fs::read_to_string(out.join("ke-hoach.table-1.csv")).unwrap();
    let row = csv.lines().find(|l| l.starts_with("1.1,")).unwrap_or("");
    assert!(
        row.ends_with(",\"Các phòng, đơn vị\",Tháng 4/2024"),
        "{csv}"
    );
    let excel = std::fs::read(out.join("ke-hoach.table-1.excel.csv")).unwrap();
    assert!(
        excel.starts_with("\u{feff}STT;Nội dung nhiệm vụ;".as_bytes()),
        "BOM and ; for Excel"
    );
    let excel = String::from_utf8(excel).unwrap();
    assert!(
        excel.contains("\r\n1.1;") && excel.contains(";Các phòng, đơn vị;Tháng 4/2024\r\n"),
        "{excel}"
    );
    let kh = json_file(&out.join("ke-hoach.json"));
    assert_eq!(kh["reviewed_cells"][0]["by"], "clerk-a");
    let schema = json_file(&common::root().join("schema/document.schema.json"));
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    for reviewed in [&doc, &kh] {
        let errors: Vec<String> = validator
            .iter_errors(reviewed)
            .map(|e| format!("{e} at {}", e.instance_path))
            .collect();
        assert!(
            errors.is_empty(),
            "reviewed JSON against the schema: {errors:?}"
        );
    }
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        index.contains("69/TTr-TCKH"),
        "the index shows the fixed number"
    );
    let lex = std::fs::read_to_string(&lexicon).unwrap();
    let entries: Vec<&str> = lex.lines().collect();
    for want in ["TỈNH", "69/TTr-TCKH", "Huỳnh Văn Quốc Bảo"] {
        assert!(entries.contains(&want), "{want} learned: {lex}");
    }
    let kept = second
        .as_str()
        .unwrap()
        .trim_matches(|c: char| !c.is_alphanumeric());
    assert!(
        !entries.contains(&kept),
        "kept original {kept} must not be learned: {lex}"
    );
}
