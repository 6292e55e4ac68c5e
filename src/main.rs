//! The `claimledger` binary: everything lives in the library; see `claimledger::cli`.

fn main() -> std::process::ExitCode {
    claimledger::cli::main()
}
