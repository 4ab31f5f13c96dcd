// Command callcard recognises callers for receptionists: it serves the live
// caller card, and manages the client register from the command line.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	// The firm's time zone must resolve on machines without a zoneinfo database.
	_ "time/tzdata"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "callcard:", err)
		os.Exit(exitCode(err))
	}
}

// Env is what a command may use of its surroundings; tests pass their own.
type Env struct {
	Getenv func(string) string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

// command is one subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, env Env, args []string) error
}

func commands() map[string]command {
	return map[string]command{
		"serve":     {"run the server (webhooks, look-ups, live cards)", cmdServe},
		"demo":      {"fill an empty register with a demo ICT firm", cmdDemo},
		"recognise": {"say who is behind one or more numbers", cmdRecognise},
		"import":    {"import contacts, employees or services from CSV", cmdImport},
		"export":    {"export contacts, employees or services as CSV", cmdExport},
		"token":     {"add, list or revoke API tokens for telephone systems", cmdToken},
		"user":      {"add, list, disable console users or reset a password", cmdUser},
		"call":      {"send a test call event to a running server", cmdCall},
		"bench":     {"measure webhooks, live events, look-ups, cards, import and memory", cmdBench},
		"backup":    {"copy the register to a file while the server runs", cmdBackup},
		"soak":      {"run the server under steady load and check nothing fails or leaks", cmdSoak},
		"erase":     {"erase a person from the register (right to be forgotten)", cmdErase},
	}
}

var commandOrder = []string{"serve", "demo", "recognise", "import", "export", "token", "user", "call", "bench", "backup", "soak", "erase"}

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	env := Env{Getenv: getenv, Stdin: stdin, Stdout: stdout, Stderr: stderr}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		return nil
	}
	cmd, ok := commands()[args[0]]
	if !ok {
		usage(stderr)
		return usageError(fmt.Sprintf("unknown command %q", args[0]))
	}
	if err := cmd.run(ctx, env, args[1:]); err != errHelp {
		return err
	}
	return nil
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: callcard COMMAND [flags]\n\nCommands:")
	all := commands()
	for _, name := range commandOrder {
		fmt.Fprintf(w, "  %-10s %s\n", name, all[name].summary)
	}
	fmt.Fprintln(w, "\nRun 'callcard COMMAND -h' for a command's flags. Every flag also reads CALLCARD_<FLAG> from the environment.")
}

// usageError is a mistake in the command line: exit status 2.
type usageError string

func (e usageError) Error() string { return string(e) }

func exitCode(err error) int {
	if _, ok := err.(usageError); ok {
		return 2
	}
	return 1
}
