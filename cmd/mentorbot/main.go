// Command mentorbot runs the routine of an open-source mentorship programme
// for a GitHub organisation. main only parses the command line and runs;
// everything else lives under pkg/.
//
// Exit codes: 0 success, 1 failure (including problems check-config found),
// 2 usage error (unknown command or flag, stray argument, bad flag value).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/alecthomas/kingpin/v2"
	"github.com/prometheus/common/version"
)

const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// action is what a subcommand does once its flags are parsed.
type action func(ctx context.Context) error

// exitCode stops kingpin where it would call os.Exit (after --help or
// --version), so run returns the code instead and stays testable.
type exitCode int

func run(args []string, stdout, stderr io.Writer) (code int) {
	if version.Version == "" {
		// Not built by make: go install records the module version it
		// installed; go run and go build from a clone record "(devel)".
		version.Version = "dev"
		if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			version.Version = strings.TrimPrefix(bi.Main.Version, "v")
		}
	}
	app := kingpin.New("mentorbot", "mentorbot runs the routine of a mentorship programme for a GitHub org.").
		UsageWriter(stdout).
		ErrorWriter(stderr).
		Version(version.Print("mentorbot")).
		Terminate(func(c int) { panic(exitCode(c)) })
	app.HelpFlag.Short('h')

	// Each subcommand registers its flags and returns what it runs; adding a
	// flag is one line in the subcommand's register function.
	actions := map[string]action{}
	for _, register := range []func(*kingpin.Application, io.Writer, io.Writer) (*kingpin.CmdClause, action){
		registerServe,
		registerSweep("remind", "Enrol new mentees (tracking issue, onboarding checklist), then run one review-wait sweep over every installation, then exit."),
		registerSweep("digest", "Enrol new mentees, post the digests and programme-end texts due in the week of --now, roll up the learnings and plan the Mentees Meetup, update the dashboard, then exit."),
		registerCheckConfig,
		registerSetup,
		registerDemo,
		registerVersion,
	} {
		cmd, act := register(app, stdout, stderr)
		actions[cmd.FullCommand()] = act
	}

	defer func() {
		if r := recover(); r != nil {
			c, ok := r.(exitCode)
			if !ok {
				panic(r)
			}
			code = int(c)
		}
	}()
	if len(args) == 0 {
		app.UsageWriter(stderr).Usage(nil)
		return exitUsage
	}
	selected, err := app.Parse(args)
	if err != nil {
		app.Errorf("%v, try --help", err)
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := actions[selected](ctx); err != nil {
		var u usageError
		if asUsage(err, &u) {
			app.Errorf("%v, try --help", err)
			return exitUsage
		}
		if _, ok := err.(failed); !ok {
			fmt.Fprintf(stderr, "mentorbot %s: %v\n", selected, err)
		}
		return exitFailure
	}
	return exitOK
}

func registerVersion(app *kingpin.Application, stdout, _ io.Writer) (*kingpin.CmdClause, action) {
	cmd := app.Command("version", "Print the version, the commit and the Go version it was built with.")
	return cmd, func(context.Context) error {
		_, err := fmt.Fprintln(stdout, version.Print("mentorbot"))
		return err
	}
}
