use std::process::ExitCode;

use server::{cli, config::Config, startup::Application, telemetry};

/// mimalloc rather than glibc's malloc. With glibc, each thread that hashed a password
/// kept the hash's memory in its own arena, so a burst of sign-ins left the server large
/// (bench/RESULTS.md, "A/B: glibc's malloc, then mimalloc").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    // quanta, the clock behind the rate limits and the metrics, calibrates the CPU's
    // time-stamp counter on first use, blocking whoever asks: briefly when the calibrating
    // thread runs undisturbed, up to its limit when it is interrupted, which one build hit
    // at every start (bench/RESULTS.md, "The start"). Done first, before the start's other
    // threads have work, it runs undisturbed.
    drop(quanta::Clock::new());
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("guestroom: {error}");
            return ExitCode::FAILURE;
        }
    };
    // Held to the end: dropping it flushes the logs still buffered.
    let _logs = telemetry::init(&config);
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = match args.split_first() {
        None => serve(&config).await,
        Some((command, rest)) if command == "migrate" => cli::migrate(&config, rest).await,
        Some((command, [])) if command == "sweep" => cli::sweep(&config).await,
        Some(_) => Err(format!(
            "usage: guestroom [migrate … | sweep]\n\n{}\n\nsweep: delete guests not seen for \
             GUEST_RETENTION_DAYS and expired records, once",
            cli::MIGRATE_USAGE
        )),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("guestroom: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(config: &Config) -> Result<(), String> {
    let app = Application::build(config).await.map_err(|error| error_chain(&error))?;
    tracing::info!(
        database = %config.database_url.redacted(),
        "Guestroom is serving {}",
        app.url()
    );
    app.run_until_stopped().await.map_err(|error| format!("server failed: {error}"))
}

/// An error and its causes on one line: "a: b: c". Causes whose text an outer error
/// already repeats (database drivers tend to) are left out.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = cause.source();
    }
    message
}
