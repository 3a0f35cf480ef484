//! `cockpit`: parse the command line and hand over.

fn main() -> std::process::ExitCode {
    cockpit::tui::memory::tune_allocator();
    cockpit::cli::main()
}
