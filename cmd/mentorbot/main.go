// Command mentorbot runs the routine of an open-source mentorship programme
// for a GitHub organisation. main only parses flags and runs; everything else
// lives under pkg/.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"github.com/rs/zerolog"

	"github.com/thanos-community/mentorbot/pkg/app"
	"github.com/thanos-community/mentorbot/pkg/config"
)

// Set by the linker (see Makefile).
var (
	version = "dev"
	commit  = "none"
)

const usage = `mentorbot runs the routine of a mentorship programme for a GitHub org.

Usage:
  mentorbot serve --config config.yml [--dry-run] [--log-level info]
  mentorbot remind --config config.yml [--now RFC3339] [--dry-run]
  mentorbot digest --config config.yml [--now RFC3339] [--dry-run]
  mentorbot check-config [--config config.yml] FILE
  mentorbot check-config --repo OWNER/NAME --config config.yml
  mentorbot setup --org ORG [--url WEBHOOK_URL] [--out config.yml]
  mentorbot demo [--serve ADDR] [--verbose]
  mentorbot version

Run 'mentorbot COMMAND --help' for a command's flags.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	var err error
	switch args[0] {
	case "serve":
		err = serve(ctx, args[1:], stderr)
	case "remind":
		err = sweep(ctx, "remind", args[1:], stdout, stderr)
	case "digest":
		err = sweep(ctx, "digest", args[1:], stdout, stderr)
	case "check-config":
		return checkConfig(ctx, args[1:], stdout, stderr)
	case "demo":
		err = demo(ctx, args[1:], stdout, stderr)
	case "setup":
		err = setupCmd(ctx, args[1:], stdout, stderr)
	case "version", "--version":
		fmt.Fprintf(stdout, "mentorbot %s (commit %s, %s)\n", version, commit, runtime.Version())
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "mentorbot %s: %v\n", args[0], err)
		return 1
	}
	return 0
}

// common holds the flags of the commands that talk to GitHub.
type common struct {
	config   string
	logLevel string
	dryRun   bool
}

func (c *common) register(fs *flag.FlagSet) {
	fs.StringVar(&c.config, "config", "config.yml", "server configuration file")
	fs.StringVar(&c.logLevel, "log-level", "info", "log level: debug, info, warn, error")
	fs.BoolVar(&c.dryRun, "dry-run", false, "read from GitHub but write nothing; log every write instead")
}

func (c *common) load(stderr io.Writer) (config.Config, zerolog.Logger, error) {
	lvl, err := zerolog.ParseLevel(c.logLevel)
	if err != nil {
		return config.Config{}, zerolog.Logger{}, fmt.Errorf("--log-level: %w", err)
	}
	log := zerolog.New(stderr).Level(lvl).With().Timestamp().Logger()
	cfg, err := config.Load(c.config)
	if err != nil {
		return config.Config{}, log, err
	}
	if w := cfg.KeyFileWarning(); w != "" {
		log.Warn().Msg(w)
	}
	return cfg, log, nil
}

func serve(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c common
	c.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, log, err := c.load(stderr)
	if err != nil {
		return err
	}
	a, err := app.New(cfg, app.Options{Version: version, Logger: log, DryRun: c.dryRun})
	if err != nil {
		return err
	}
	return a.Serve(ctx)
}

func sweep(ctx context.Context, name string, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c common
	c.register(fs)
	nowFlag := fs.String("now", "", "act as if it were this moment (RFC3339); default: now")
	if err := fs.Parse(args); err != nil {
		return err
	}
	now := time.Now
	if *nowFlag != "" {
		t, err := time.Parse(time.RFC3339, *nowFlag)
		if err != nil {
			return fmt.Errorf("--now %q is not RFC3339 (e.g. 2026-11-30T09:00:00Z): %w", *nowFlag, err)
		}
		now = func() time.Time { return t }
	}
	cfg, log, err := c.load(stderr)
	if err != nil {
		return err
	}
	a, err := app.New(cfg, app.Options{Version: version, Logger: log, DryRun: c.dryRun, Now: now})
	if err != nil {
		return err
	}
	return a.RunSweep(log.WithContext(ctx), name, stdout)
}

func checkConfig(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check-config", flag.ContinueOnError)
	fs.SetOutput(stderr)
	server := fs.String("config", "", "also check this server configuration (config.yml) and its private key file")
	repo := fs.String("repo", "", "instead of FILE, print the effective policy of this repository (owner/name) read from GitHub, and where each key comes from; needs --config")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: mentorbot check-config [--config config.yml] FILE\n       mentorbot check-config --repo OWNER/NAME --config config.yml\n\nValidates a mentorbot.yml policy file; prints every problem with its line and exits 1 if there is any.\nWith --config, also validates the server configuration, warns when the key file is readable by others, and checks on GitHub that each tracking issue is an issue the app can write to.\nWith --repo, prints the policy in effect for a repository, merged from the files the app reads on GitHub, with the file each key comes from.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *repo != "" && *server != "" && fs.NArg() == 0 {
		if err := app.ExplainRepoPolicy(context.Background(), *server, *repo, app.Options{Version: version, Logger: zerolog.New(stderr).Level(zerolog.WarnLevel)}, stdout); err != nil {
			fmt.Fprintf(stderr, "check-config: %v\n", err)
			return 1
		}
		return 0
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	failed := false
	if *server != "" {
		warnings, err := app.CheckServerConfig(*server)
		for _, w := range warnings {
			fmt.Fprintf(stdout, "%s: warning: %s\n", *server, w)
		}
		if err != nil {
			fmt.Fprintf(stdout, "%s: %v\n", *server, err)
			failed = true
		}
	}
	file := fs.Arg(0)
	problems, warnings, err := app.CheckPolicy(ctx, file, *server, time.Now())
	if err != nil {
		fmt.Fprintf(stderr, "check-config: %v\n", err)
		return 1
	}
	for _, w := range warnings {
		fmt.Fprintf(stdout, "%s: warning: %s\n", file, w)
	}
	for _, p := range problems {
		fmt.Fprintf(stdout, "%s: %s\n", file, p)
	}
	if len(problems) > 0 {
		fmt.Fprintf(stdout, "%d problem(s)\n", len(problems))
		return 1
	}
	if failed {
		return 1
	}
	fmt.Fprintf(stdout, "%s: ok\n", file)
	return 0
}
