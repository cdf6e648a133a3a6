//! The reference must do the work it is compared with: it answers only a guest whose
//! cookie Guestroom's key signed. (Building this test is also what builds the binary in
//! `scripts/test.sh`'s one `cargo test` build, which the benchmark's smoke run uses.)

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::TcpStream,
    process::{Child, Command, Stdio},
};

/// A token with Guestroom's header and claims, signed with a key that is not the server's.
const FORGED: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJ0eXAiOiJndWVzdCIsInNpZCI6IjZlNjQ0YWU1LTZhNDQtNDY2Ni1hYjkyLTBjYjA2Nzk5YWQyMyIsImlhdCI6MTc5NjQzMzcxMSwiZXhwIjoxODA0MjA5NzExfQ.xRRixyRoKGXIfI_cquMN0aEhPh776C16ZAbzedLqQFw";

struct Server {
    child: Child,
    address: String,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start() -> Server {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut child = Command::new(env!("CARGO_BIN_EXE_bench-reference"))
        .env("DATABASE_URL", format!("sqlite://{}?mode=rwc", dir.path().join("app.db").display()))
        .env("AUTH_SECRET", "q6Zb1h3y3m0u9G0a8dWc2ZqPp8k5N4rXJ4QmR7s1VbE=")
        .env("PORT", "0")
        .stderr(Stdio::piped())
        .spawn()
        .expect("the reference starts");
    let mut line = String::new();
    BufReader::new(child.stderr.take().expect("its stderr")).read_line(&mut line).expect("a line");
    let address =
        line.trim().strip_prefix("serving http://").expect("the address it serves").to_owned();
    Server { child, address, _dir: dir }
}

/// The status of `POST path` with `cookie`.
fn status(server: &Server, path: &str, cookie: &str) -> u16 {
    let mut stream = TcpStream::connect(&server.address).expect("a connection");
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: localhost\r\nCookie: {cookie}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .expect("the request is sent");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("an answer");
    answer.split(' ').nth(1).and_then(|code| code.parse().ok()).expect("a status line")
}

#[test]
fn a_request_without_a_guest_cookie_or_with_a_forged_one_is_refused() {
    let server = start();
    assert_eq!(status(&server, "/api/roster/list", "theme=dark"), 401);
    assert_eq!(status(&server, "/api/roster/list", &format!("__Host-guest={FORGED}")), 401);
    assert_eq!(status(&server, "/api/roster/list", "__Host-guest=not.a.token"), 401);
}
