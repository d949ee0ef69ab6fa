//! A small W3C WebDriver client for the review tests: Debian's `chromedriver` (package
//! `chromium-driver`) driving the system Chromium headless, spoken to over plain HTTP/1.1 with the
//! standard library (one request per connection), so the tests need no browser download and no
//! async runtime. Also a plain HTTP request helper for probing the review server directly.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// A raw HTTP reply: status, headers (lower-case names), body.
pub struct Reply {
    /// Status code.
    pub status: u16,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl Reply {
    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(nl) = b.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size = usize::from_str_radix(
            std::str::from_utf8(&b[..nl])
                .unwrap_or("0")
                .split(';')
                .next()
                .unwrap_or("0")
                .trim(),
            16,
        )
        .unwrap_or(0);
        if size == 0 {
            return out;
        }
        let start = nl + 2;
        out.extend_from_slice(&b[start..(start + size).min(b.len())]);
        b = &b[(start + size + 2).min(b.len())..];
    }
}

/// Sends one HTTP/1.1 request to 127.0.0.1:`port` with `headers` (each `Name: value`) and returns
/// the reply. `path` is sent as it is (no normalisation, so `..` reaches the server).
pub fn http(port: u16, method: &str, path: &str, headers: &[&str], body: &[u8]) -> Reply {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if !headers
        .iter()
        .any(|h| h.to_ascii_lowercase().starts_with("host:"))
    {
        req.push_str(&format!("Host: 127.0.0.1:{port}\r\n"));
    }
    for h in headers {
        req.push_str(h);
        req.push_str("\r\n");
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    // Read the head, then exactly the body its Content-Length (or chunking) announces: a server
    // may keep the connection open after the reply.
    let mut raw = Vec::new();
    let mut buf = [0u8; 65536];
    let split = loop {
        if let Some(p) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break p;
        }
        let n = s.read(&mut buf).expect("read reply head");
        assert!(n > 0, "connection closed before the reply's head");
        raw.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .expect("status code");
    let length: Option<usize> = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok());
    let chunked = head.contains("transfer-encoding: chunked");
    let mut body = raw[split + 4..].to_vec();
    loop {
        let done = match (length, chunked) {
            (Some(n), _) => body.len() >= n,
            (None, true) => body.ends_with(b"0\r\n\r\n"),
            (None, false) => false,
        };
        if done || method == "HEAD" || status == 204 || status == 304 {
            break;
        }
        let n = s.read(&mut buf).expect("read reply body");
        if n == 0 {
            break;
        }
        body.extend_from_slice(&buf[..n]);
    }
    let body = if chunked { dechunk(&body) } else { body };
    Reply { status, body }
}

/// A free port on 127.0.0.1 (taken from the system, then released).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A WebDriver session in headless Chromium; the driver process ends when this is dropped.
pub struct Browser {
    driver: Child,
    port: u16,
    session: String,
}

/// The key code WebDriver uses for Enter.
pub const ENTER: &str = "\u{E007}";

impl Browser {
    /// Starts `chromedriver` (`VANBAN_CHROMEDRIVER`, default `chromedriver`) and a headless
    /// Chromium session with a fresh profile under `dir`.
    pub fn start(dir: &Path) -> Browser {
        let exe = std::env::var("VANBAN_CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        let port = free_port();
        let driver = Command::new(&exe)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {exe} (Debian package chromium-driver): {e}"));
        let t0 = Instant::now();
        loop {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            assert!(
                t0.elapsed() < Duration::from_secs(30),
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let mut b = Browser {
            driver,
            port,
            session: String::new(),
        };
        let browser =
            std::env::var("VANBAN_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let profile = dir.join("chromium-profile");
        let v = b.call(
            "POST",
            "/session",
            json!({"capabilities": {"alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": {
                    "binary": browser,
                    "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                             "--disable-background-networking", "--disable-component-update",
                             "--disable-sync", "--window-size=1400,1000",
                             format!("--user-data-dir={}", profile.display())]
                }
            }}}),
        );
        b.session = v["sessionId"].as_str().expect("session id").to_string();
        b
    }

    fn call(&self, method: &str, path: &str, body: Value) -> Value {
        let bytes = if method == "GET" || method == "DELETE" {
            Vec::new()
        } else {
            serde_json::to_vec(&body).unwrap()
        };
        let r = http(
            self.port,
            method,
            path,
            &["Content-Type: application/json; charset=utf-8"],
            &bytes,
        );
        let v: Value = serde_json::from_slice(&r.body)
            .unwrap_or_else(|e| panic!("WebDriver reply {}: {e}: {}", r.status, r.text()));
        assert!(r.status < 400, "WebDriver {method} {path}: {}", v);
        v["value"].clone()
    }

    fn s(&self, rest: &str) -> String {
        format!("/session/{}{rest}", self.session)
    }

    /// Opens `url` and waits for the page to load.
    pub fn goto(&self, url: &str) {
        self.call("POST", &self.s("/url"), json!({ "url": url }));
    }

    /// Reloads the page.
    pub fn refresh(&self) {
        self.call("POST", &self.s("/refresh"), json!({}));
    }

    /// Runs `script` (a function body; `arguments` are `args`) and returns its value.
    pub fn js(&self, script: &str, args: Value) -> Value {
        self.call(
            "POST",
            &self.s("/execute/sync"),
            json!({ "script": script, "args": args }),
        )
    }

    /// The element matching a CSS selector (panics when there is none).
    pub fn find(&self, css: &str) -> String {
        let v = self.call(
            "POST",
            &self.s("/element"),
            json!({"using": "css selector", "value": css}),
        );
        v.as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no element {css}"))
            .to_string()
    }

    /// Clicks the element.
    pub fn click(&self, el: &str) {
        self.call("POST", &self.s(&format!("/element/{el}/click")), json!({}));
    }

    /// Clears an input.
    pub fn clear(&self, el: &str) {
        self.call("POST", &self.s(&format!("/element/{el}/clear")), json!({}));
    }

    /// Types `text` into the element, as keystrokes.
    pub fn type_in(&self, el: &str, text: &str) {
        self.call(
            "POST",
            &self.s(&format!("/element/{el}/value")),
            json!({ "text": text }),
        );
    }

    /// Presses keys on whatever has the focus (the page, when nothing does).
    pub fn keys(&self, text: &str) {
        let mut actions = Vec::new();
        for c in text.chars() {
            actions.push(json!({"type": "keyDown", "value": c.to_string()}));
            actions.push(json!({"type": "keyUp", "value": c.to_string()}));
        }
        self.call(
            "POST",
            &self.s("/actions"),
            json!({"actions": [{"type": "key", "id": "kb", "actions": actions}]}),
        );
    }

    /// The element's text as shown.
    pub fn text(&self, el: &str) -> String {
        self.call("GET", &self.s(&format!("/element/{el}/text")), json!({}))
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    /// Waits until `script` (a function body) returns a truthy value; panics after 30 s with `what`.
    pub fn wait_for(&self, what: &str, script: &str) -> Value {
        let t0 = Instant::now();
        loop {
            let v = self.js(script, json!([]));
            if !(v.is_null() || v == json!(false) || v == json!("")) {
                return v;
            }
            assert!(
                t0.elapsed() < Duration::from_secs(30),
                "timed out waiting for {what}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = http(self.port, "DELETE", &self.s(""), &[], &[]);
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
