//! `claimledger completions SHELL` and `claimledger man`: shell completions (clap_complete)
//! and the man page in roff (clap_mangen), both made from the same definition as `--help`.

use std::process::ExitCode;

use clap::CommandFactory;

use super::{Cli, Ctx};

/// `completions`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  claimledger completions bash > ~/.local/share/bash-completion/completions/claimledger\n  claimledger completions zsh > \"${fpath[1]}/_claimledger\"\n  claimledger completions fish > ~/.config/fish/completions/claimledger.fish"
)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

/// `man`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  claimledger man > claimledger.1 && man ./claimledger.1")]
pub struct ManArgs {}

/// Prints the completion script for a shell.
pub fn completions(args: CompletionsArgs, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "claimledger", &mut out);
    ctx.emit_data(&String::from_utf8(out)?)?;
    Ok(ExitCode::SUCCESS)
}

/// Prints the man page (roff).
pub fn man(_args: ManArgs, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut out)?;
    ctx.emit_data(&String::from_utf8(out)?)?;
    Ok(ExitCode::SUCCESS)
}
