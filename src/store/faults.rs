//! Storage faults in plain words: what SQLite's failures mean for the user, waiting for the
//! write lock, and opening a ledger that can only be read.
//!
//! Design decisions:
//!
//! - SQLite's errors carry no path, but a process works on one ledger: [`Store::open`]
//!   records it here ([`set_current`]), so every SQLite error turned into an [`Error`]
//!   (via `From<rusqlite::Error>`) can name the file and say what to do: a full disk, a
//!   read-only file, folder or mount, an I/O error, a damaged file.
//! - Waiting for the write lock: SQLite's own busy timeout sleeps longer and longer between
//!   tries (up to 100 ms), so under a steady stream of short writers a waiter can miss every
//!   free moment and give up though nobody held the lock long. Here a waiter retries every
//!   few milliseconds (with jitter, so waiters do not move in step) for
//!   [`BUSY_WAIT_SECS`] (or `CLAIMLEDGER_LOCK_WAIT` seconds), and the message says what
//!   happened: others kept it busy, without claiming one of them held it all along.
//! - A ledger that cannot be written (mode 444, a read-only folder or mount) is opened for
//!   reading: first as SQLite does by itself; if the write-ahead log's shared-memory file
//!   cannot be created, read-only with `immutable=1`, which needs no side files. That is
//!   only done when no write-ahead log with content exists beside the file (immutable
//!   would not see it).
//!
//! [`Store::open`]: super::Store::open

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rusqlite::ErrorCode;

use crate::error::Error;

/// How long a writer waits for the write lock before giving up, unless
/// `CLAIMLEDGER_LOCK_WAIT` (seconds) says otherwise.
pub const BUSY_WAIT_SECS: u64 = 120;

/// The wait for the write lock, in seconds: `CLAIMLEDGER_LOCK_WAIT` or [`BUSY_WAIT_SECS`].
pub fn lock_wait_secs() -> u64 {
    std::env::var("CLAIMLEDGER_LOCK_WAIT")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(BUSY_WAIT_SECS)
}

static CURRENT: Mutex<Option<PathBuf>> = Mutex::new(None);

/// Records the ledger this process works on, for messages.
pub(crate) fn set_current(path: &Path) {
    if let Ok(mut current) = CURRENT.lock() {
        *current = Some(path.to_path_buf());
    }
}

fn current() -> PathBuf {
    CURRENT
        .lock()
        .ok()
        .and_then(|c| c.clone())
        .unwrap_or_else(|| PathBuf::from("the ledger"))
}

/// Turns an SQLite failure into the error that says what happened.
pub(crate) fn classify(e: rusqlite::Error) -> Error {
    let Some(code) = e.sqlite_error_code() else {
        return Error::Sqlite(e);
    };
    match code {
        ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => Error::Busy,
        ErrorCode::DiskFull => {
            let path = current();
            Error::DiskFull {
                free: free_note(&path),
                path,
            }
        }
        ErrorCode::SystemIoFailure => {
            let path = current();
            // Little room left shows up as an I/O error (a failed mmap or allocation of the
            // shared-memory file), not as SQLITE_FULL.
            let shm_size = matches!(
                &e,
                rusqlite::Error::SqliteFailure(f, _) if f.extended_code == rusqlite::ffi::SQLITE_IOERR_SHMSIZE
            );
            if shm_size || free_bytes(&path).is_some_and(|free| free < LOW_SPACE) {
                Error::DiskFull {
                    free: free_note(&path),
                    path,
                }
            } else {
                Error::DiskError {
                    detail: sqlite_message(&e),
                    path,
                }
            }
        }
        ErrorCode::DatabaseCorrupt => Error::Damaged {
            path: current(),
            reason: sqlite_message(&e),
        },
        ErrorCode::ReadOnly => {
            let path = current();
            Error::ReadOnly {
                reason: why_read_only(&path),
                path,
            }
        }
        _ => Error::Sqlite(e),
    }
}

/// Below this much free space, an I/O error is most likely a full disk.
const LOW_SPACE: u64 = 8 << 20;

/// SQLite's own words for an error, without the SQL text.
pub(crate) fn sqlite_message(e: &rusqlite::Error) -> String {
    match e {
        rusqlite::Error::SqliteFailure(_, Some(msg)) => msg.clone(),
        rusqlite::Error::SqliteFailure(f, None) => f.to_string(),
        rusqlite::Error::SqlInputError { msg, .. } => msg.clone(),
        other => other.to_string(),
    }
}

fn free_note(path: &Path) -> String {
    match free_bytes(path) {
        Some(free) => format!(" ({} KiB free)", free / 1024),
        None => String::new(),
    }
}

/// Free bytes (for unprivileged users) on the file system holding `path`.
#[cfg(unix)]
pub(crate) fn free_bytes(path: &Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let dir = folder(path);
    let c = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: `c` is a NUL-terminated path and `st` a properly sized out-parameter.
    let rc = unsafe { libc::statvfs(c.as_ptr(), &mut st) };
    (rc == 0).then(|| st.f_bavail as u64 * st.f_frsize as u64)
}

#[cfg(not(unix))]
pub(crate) fn free_bytes(_path: &Path) -> Option<u64> {
    None
}

/// The folder a ledger file is in.
pub(crate) fn folder(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Why a ledger cannot be written: its mount, its file, or its folder.
pub(crate) fn why_read_only(path: &Path) -> String {
    let dir = folder(path);
    match std::fs::OpenOptions::new().append(true).open(path) {
        Err(e) if e.raw_os_error() == Some(libc_erofs()) => {
            return "it is on a read-only file system".into();
        }
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
            return "you may not write its file (check its mode and owner)".into();
        }
        _ => {}
    }
    match tempfile::Builder::new()
        .prefix(".claimledger-probe-")
        .tempfile_in(&dir)
    {
        Err(e) if e.raw_os_error() == Some(libc_erofs()) => {
            "it is on a read-only file system".into()
        }
        Err(_) => format!(
            "you may not create files in its folder {}, and SQLite needs to create its -wal and -shm files there",
            dir.display()
        ),
        Ok(_) => "SQLite opened it read-only".into(),
    }
}

#[cfg(unix)]
fn libc_erofs() -> i32 {
    libc::EROFS
}

#[cfg(not(unix))]
fn libc_erofs() -> i32 {
    -1
}

/// Whether an error says the file could not be opened or written (the cue to try reading
/// it read-only).
pub(crate) fn is_cannot_open(e: &Error) -> bool {
    match e {
        Error::ReadOnly { .. } => true,
        Error::Sqlite(e) => matches!(
            e.sqlite_error_code(),
            Some(ErrorCode::CannotOpen | ErrorCode::ReadOnly | ErrorCode::PermissionDenied)
        ),
        _ => false,
    }
}

/// Whether a write-ahead log with content lies beside the ledger.
pub(crate) fn has_wal(path: &Path) -> bool {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    std::fs::metadata(PathBuf::from(wal)).is_ok_and(|m| m.len() > 0)
}

/// An SQLite URI that opens `path` read-only and immutable.
pub(crate) fn immutable_uri(path: &Path) -> String {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut uri = String::from("file:");
    for b in abs.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            uri.push(b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri.push_str("?mode=ro&immutable=1");
    uri
}

/// Opens `path` read-only and immutable (a ledger on a read-only mount, or in a folder
/// SQLite cannot write its WAL index into).
pub(crate) fn open_immutable(path: &Path) -> rusqlite::Result<rusqlite::Connection> {
    rusqlite::Connection::open_with_flags(
        immutable_uri(path),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
            | rusqlite::OpenFlags::SQLITE_OPEN_URI
            | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
}

/// What a path that is not a regular file is, if it is not one.
pub(crate) fn not_a_regular_file(meta: &std::fs::Metadata) -> Option<&'static str> {
    let t = meta.file_type();
    if t.is_file() {
        return None;
    }
    if t.is_dir() {
        return Some("it is a directory");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("it is a FIFO (named pipe), not a file");
        }
        if t.is_char_device() || t.is_block_device() {
            return Some("it is a device, not a file");
        }
        if t.is_socket() {
            return Some("it is a socket, not a file");
        }
    }
    Some("it is not a regular file")
}

/// Whether a file starts like an SQLite database (so a read failure means damage, not a
/// wrong file).
pub(crate) fn looks_like_sqlite(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 16];
    let Ok(mut f) = std::fs::File::open(path) else {
        return false;
    };
    let mut n = 0;
    while n < head.len() {
        match f.read(&mut head[n..]) {
            Ok(0) | Err(_) => break,
            Ok(k) => n += k,
        }
    }
    n > 0 && head[..n] == b"SQLite format 3\0"[..n]
}

/// The busy handler: retry every few milliseconds until [`lock_wait_secs`] have passed.
pub(crate) fn busy_handler() -> impl FnMut(i32) -> bool + Send + 'static {
    let wait = Duration::from_secs(lock_wait_secs());
    let mut started: Option<Instant> = None;
    let mut seed = std::process::id() as u64 ^ 0x9E37_79B9_7F4A_7C15;
    move |count| {
        if count == 0 || started.is_none() {
            started = Some(Instant::now());
        }
        if started.is_some_and(|s| s.elapsed() >= wait) {
            return false;
        }
        // xorshift: 1 to 4 ms, so waiters do not retry in step.
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        std::thread::sleep(Duration::from_micros(1000 + seed % 3000));
        true
    }
}
