//! What the binary tests share: start `bedrock-emulator serve` on port 0, raw HTTP/1.1 over a
//! TCP socket, signals.

#![allow(dead_code)] // each test binary uses its own part

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// Starts `serve --port 0 --now 2024-12-15T09:30:00Z` on `dir`; returns the child, the first
/// line it printed, and the bound address.
pub(crate) fn serve(dir: &Path) -> (Child, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_bedrock-emulator"))
        .args(["serve", "--port", "0", "--now", "2024-12-15T09:30:00Z", "--data-dir"])
        .arg(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    let addr = first.split("http://").nth(1).unwrap_or_default().split_whitespace().next().unwrap_or_default().to_owned();
    (child, first, addr)
}

/// One request with `connection: close`; returns the whole raw response.
pub(crate) fn request(addr: &str, method: &str, path: &str, body: &str) -> String {
    let request = format!(
        "{method} {path} HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

/// A Converse call on Claude 3 Haiku with `body`; returns the raw response.
pub(crate) fn converse(addr: &str, body: &str) -> String {
    request(addr, "POST", "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse", body)
}

/// Sends `sig` (`-TERM`, `-KILL`) and waits for the process to end.
pub(crate) fn signal(child: &mut Child, sig: &str) -> std::process::ExitStatus {
    assert!(Command::new("kill").args([sig, &child.id().to_string()]).status().unwrap().success());
    child.wait().unwrap()
}
