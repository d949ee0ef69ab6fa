//! `vanban review OUT_DIR`: the local review server. It answers on loopback only, serves the files
//! of that one output folder (the index, the review pages, their page images), and takes each
//! decision a clerk makes as a `POST` of the page's decisions to `<stem>.review.json`; the decisions
//! logic (checking, applying everywhere, the lexicon) is `vanban_review`'s, this module only speaks
//! HTTP. Every page it serves carries a per-run token (`<meta name="vanban-token">`); a write
//! without that token in its `X-Vanban-Token` header, from another origin, or for another host name
//! (DNS rebinding) is refused, and nothing is written outside the folder.

use std::io::Read as _;
use std::path::{Component, Path, PathBuf};

use anyhow::{bail, Context as _, Result};
use clap::Args;
use tiny_http::{Header, Method, Request, Response, Server};

use crate::{Global, EXIT_OK};

/// Largest decisions body accepted, in bytes.
const MAX_BODY: usize = 16 << 20;

/// Arguments of `vanban review`.
#[derive(Args, Debug)]
pub struct ReviewArgs {
    /// The output folder of `vanban ingest` (holds index.html and the review pages).
    pub out: PathBuf,
    /// Port on 127.0.0.1 (default: a free one, chosen by the system).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Open the index in the desktop's browser (xdg-open).
    #[arg(long)]
    pub open: bool,
    /// Who reviews, recorded with each decision (default: $USER).
    #[arg(long, value_name = "NAME")]
    pub by: Option<String>,
}

/// A random token for this run (hex of 16 bytes from the system's generator).
fn token() -> Result<String> {
    let mut b = [0u8; 16];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut b))
        .context("cannot read /dev/urandom for the page token")?;
    Ok(hex::encode(b))
}

/// The state of one server run.
struct Site {
    root: PathBuf,
    token: String,
    port: u16,
    by: Option<String>,
    lexicon: Option<PathBuf>,
}

/// `vanban review OUT_DIR`.
pub fn run(g: &Global, a: ReviewArgs) -> Result<u8> {
    let root = a
        .out
        .canonicalize()
        .with_context(|| format!("{}: cannot open the output folder", a.out.display()))?;
    if !root.join(vanban_review::INDEX).is_file() {
        bail!(
            "{}: no {} here; give the folder `vanban ingest --out` wrote",
            a.out.display(),
            vanban_review::INDEX
        );
    }
    let server = Server::http(("127.0.0.1", a.port))
        .map_err(|e| anyhow::anyhow!("cannot listen on 127.0.0.1:{}: {e}", a.port))?;
    let port = server
        .server_addr()
        .to_ip()
        .map(|s| s.port())
        .context("the server has no IP address")?;
    let site = Site {
        root,
        token: token()?,
        port,
        by: a
            .by
            .or_else(|| std::env::var("USER").ok())
            .filter(|s| !s.is_empty()),
        lexicon: g.lexicon.clone(),
    };
    let url = format!("http://127.0.0.1:{port}/");
    println!("vanban: review server at {url} (Ctrl-C to stop)");
    use std::io::Write as _;
    let _ = std::io::stdout().flush();
    if a.open {
        if let Err(e) = std::process::Command::new("xdg-open").arg(&url).spawn() {
            eprintln!("vanban: cannot open a browser (xdg-open: {e}); open {url} yourself");
        }
    }
    for req in server.incoming_requests() {
        site.handle(req);
    }
    Ok(EXIT_OK)
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("valid header")
}

/// A JSON reply.
fn json(status: u16, v: &serde_json::Value) -> Response<std::io::Cursor<Vec<u8>>> {
    Response::from_data(serde_json::to_vec(v).unwrap_or_default())
        .with_status_code(status)
        .with_header(header("Content-Type", "application/json; charset=utf-8"))
        .with_header(header("Cache-Control", "no-store"))
}

/// A plain-text error reply (Vietnamese for the clerk, the cause after it).
fn text(status: u16, msg: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    Response::from_data(msg.as_bytes().to_vec())
        .with_status_code(status)
        .with_header(header("Content-Type", "text/plain; charset=utf-8"))
}

fn content_type(path: &Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
        .as_str()
    {
        "html" | "hocr" => "text/html; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        "txt" | "md" | "csv" => "text/plain; charset=utf-8",
        "xml" => "application/xml",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// Percent-decodes a URL path; `None` when it is not valid UTF-8 after decoding.
fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

impl Site {
    /// The file of the folder a URL names: `None` for anything that leaves the folder (`..`, an
    /// absolute path, a link pointing out), a temporary file, or no file at all.
    fn file(&self, url: &str) -> Option<PathBuf> {
        let path = url.split(['?', '#']).next().unwrap_or("");
        let decoded = percent_decode(path)?;
        if decoded.contains(['\\', '\0']) {
            return None;
        }
        let rel = decoded.trim_start_matches('/');
        let rel = if rel.is_empty() {
            vanban_review::INDEX
        } else {
            rel
        };
        let rel = Path::new(rel);
        if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
            return None;
        }
        let name = rel.file_name()?.to_string_lossy();
        if vanban_doc::is_temp_name(&name) || name.starts_with('.') {
            return None;
        }
        let full = self.root.join(rel);
        let canon = full.canonicalize().ok()?;
        (canon.starts_with(&self.root) && canon.is_file()).then_some(canon)
    }

    /// True when the request names this server as its host (not a rebound DNS name).
    fn host_ok(&self, req: &Request) -> bool {
        let host = req
            .headers()
            .iter()
            .find(|h| h.field.as_str().as_str().eq_ignore_ascii_case("host"))
            .map(|h| h.value.as_str().to_string());
        let ok = [
            format!("127.0.0.1:{}", self.port),
            format!("localhost:{}", self.port),
        ];
        host.is_some_and(|h| ok.contains(&h))
    }

    fn header_value(req: &Request, name: &str) -> Option<String> {
        req.headers()
            .iter()
            .find(|h| h.field.as_str().as_str().eq_ignore_ascii_case(name))
            .map(|h| h.value.as_str().to_string())
    }

    fn handle(&self, mut req: Request) {
        let resp = if !self.host_ok(&req) {
            text(403, "Từ chối: địa chỉ máy không đúng (forbidden host)")
        } else {
            match req.method() {
                Method::Get | Method::Head => self.get(&req),
                Method::Post => self.post(&mut req),
                _ => text(405, "Không hỗ trợ (method not allowed)"),
            }
        };
        let resp = resp
            .with_header(header("X-Content-Type-Options", "nosniff"))
            .with_header(header("Referrer-Policy", "no-referrer"))
            .with_header(header("X-Frame-Options", "DENY"));
        if let Err(e) = req.respond(resp) {
            tracing::debug!("reply not sent: {e}");
        }
    }

    fn get(&self, req: &Request) -> Response<std::io::Cursor<Vec<u8>>> {
        let Some(path) = self.file(req.url()) else {
            return text(404, "Không tìm thấy (not found)");
        };
        let Ok(mut bytes) = std::fs::read(&path) else {
            return text(404, "Không đọc được (cannot read)");
        };
        let ct = content_type(&path);
        if path.extension().is_some_and(|e| e == "html") {
            let page = String::from_utf8_lossy(&bytes);
            let meta = format!(
                "<head><meta name=\"vanban-token\" content=\"{}\">",
                self.token
            );
            bytes = page.replacen("<head>", &meta, 1).into_bytes();
        }
        Response::from_data(bytes)
            .with_header(header("Content-Type", ct))
            .with_header(header("Cache-Control", "no-store"))
    }

    fn post(&self, req: &mut Request) -> Response<std::io::Cursor<Vec<u8>>> {
        let token_ok = Self::header_value(req, "X-Vanban-Token").is_some_and(|t| {
            t.len() == self.token.len()
                && t.bytes()
                    .zip(self.token.bytes())
                    .fold(0, |a, (x, y)| a | (x ^ y))
                    == 0
        });
        let origin_ok = Self::header_value(req, "Origin").map_or(true, |o| {
            o == format!("http://127.0.0.1:{}", self.port)
                || o == format!("http://localhost:{}", self.port)
        });
        if !token_ok || !origin_ok {
            return json(
                403,
                &serde_json::json!({"error": "Từ chối: yêu cầu không đến từ trang soát xét của máy chủ này (missing or wrong token, or another origin)"}),
            );
        }
        let url = req.url().split(['?', '#']).next().unwrap_or("").to_string();
        let Some(stem_url) = url.strip_suffix(".review.json") else {
            return json(
                404,
                &serde_json::json!({"error": "Không tìm thấy (only <stem>.review.json takes decisions)"}),
            );
        };
        // The decisions go beside an existing <stem>.json of the folder, nowhere else.
        let Some(doc_json) = self.file(&format!("{stem_url}.json")) else {
            return json(
                404,
                &serde_json::json!({"error": format!("Không có văn bản {stem_url}.json trong thư mục này")}),
            );
        };
        let mut body = Vec::new();
        if req
            .as_reader()
            .take(MAX_BODY as u64 + 1)
            .read_to_end(&mut body)
            .is_err()
            || body.len() > MAX_BODY
        {
            return json(
                413,
                &serde_json::json!({"error": "Dữ liệu quá lớn hoặc hỏng (body too large or unreadable)"}),
            );
        }
        match self.save(&doc_json, &body) {
            Ok(v) => json(200, &v),
            Err(e) => json(
                409,
                &serde_json::json!({"error": format!("Không áp dụng được: {e:#}")}),
            ),
        }
    }

    /// Takes the output folder's lock (`.vanban.lock`, the one `vanban ingest` holds while it
    /// writes) for one save, so that a save and a run never write the same files at once.
    fn lock(&self) -> Result<std::fs::File> {
        use std::os::unix::fs::OpenOptionsExt;
        let path = self.root.join(".vanban.lock");
        let f = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32)
            .open(&path)
            .with_context(|| format!("{}: cannot open the lock file", path.display()))?;
        match rustix::fs::flock(&f, rustix::fs::FlockOperation::NonBlockingLockExclusive) {
            Ok(()) => Ok(f),
            Err(e) if e == rustix::io::Errno::WOULDBLOCK => {
                bail!("vanban ingest đang ghi vào thư mục này; thử lại khi xong (a run holds the folder)")
            }
            Err(e) => bail!("{}: cannot lock: {e}", path.display()),
        }
    }

    /// Checks the page's decisions against the document, keeps them in `<stem>.review.json`
    /// (atomically) and applies them to every output; returns what the page shows.
    fn save(&self, doc_json: &Path, body: &[u8]) -> Result<serde_json::Value> {
        let mut decisions: vanban_review::ReviewDecisions =
            serde_json::from_slice(body).context("not a review decisions file")?;
        let _lock = self.lock()?;
        decisions.by = self.by.clone();
        decisions.document = None;
        let files = vanban_review::DocFiles::from_json(doc_json);
        let mut probe = vanban_review::base_document(&files)?;
        vanban_review::apply_decisions(&mut probe, &decisions, true)?;
        let saved = files.path("review.json");
        let mut bytes = serde_json::to_vec_pretty(&decisions)?;
        bytes.push(b'\n');
        vanban_doc::write_atomic(&saved, &bytes)?;
        let applied =
            vanban_review::apply_to_files(&files, &decisions, self.lexicon.as_deref(), true)?;
        let doc = vanban_review::read_document(&files.path("json"))?;
        let fields: serde_json::Map<String, serde_json::Value> = vanban_review::FIELDS
            .iter()
            .map(|f| {
                let v = vanban_review::field_value(&doc.metadata, f.key);
                (
                    f.key.to_string(),
                    v.map_or(serde_json::Value::Null, serde_json::Value::String),
                )
            })
            .collect();
        Ok(serde_json::json!({
            "applied": applied.decisions,
            "learned": applied.confirmed,
            "skipped": applied.skipped,
            "fields": fields,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_files_inside_the_folder_are_served() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("out");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(root.join("index.html"), "x").unwrap();
        std::fs::write(root.join("sub/a b.txt"), "x").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "x").unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), root.join("link.txt")).unwrap();
        let site = Site {
            root: root.canonicalize().unwrap(),
            token: "t".into(),
            port: 1,
            by: None,
            lexicon: None,
        };
        assert!(site.file("/").is_some());
        assert!(site.file("/sub/a%20b.txt").is_some());
        for bad in [
            "/../secret.txt",
            "/sub/../../secret.txt",
            "/%2e%2e/secret.txt",
            "/sub/%2E%2E/%2E%2E/secret.txt",
            "/..%2fsecret.txt",
            "/link.txt",
            "//etc/passwd",
            "/%2fetc%2fpasswd",
            "/sub\\..\\..\\secret.txt",
            "/%",
        ] {
            assert_eq!(site.file(bad), None, "{bad}");
        }
    }
}
