package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/alecthomas/kingpin/v2"
	"github.com/prometheus/common/version"
	"github.com/rs/zerolog"

	"github.com/thanos-community/mentorbot/pkg/app"
	"github.com/thanos-community/mentorbot/pkg/config"
	tour "github.com/thanos-community/mentorbot/pkg/demo"
	"github.com/thanos-community/mentorbot/pkg/logging"
	"github.com/thanos-community/mentorbot/pkg/setup"
)

// usageError is a mistake on the command line found after parsing (a flag
// combination kingpin cannot express); run exits 2 for it.
type usageError struct{ error }

func asUsage(err error, u *usageError) bool { return errors.As(err, u) }

// failed is returned when the command already printed why it failed (as
// check-config prints each problem); run exits 1 without a second message.
type failed struct{}

func (failed) Error() string { return "failed" }

// common holds the flags of the commands that talk to GitHub.
type common struct {
	config    string
	logLevel  string
	logFormat string
	dryRun    bool
}

func (c *common) register(cmd *kingpin.CmdClause) {
	cmd.Flag("config", "Server configuration file. GITHUB_APP_INTEGRATION_ID, GITHUB_APP_WEBHOOK_SECRET and GITHUB_APP_PRIVATE_KEY in the environment override its values.").
		Envar("MENTORBOT_CONFIG").Default("config.yml").StringVar(&c.config)
	cmd.Flag("log.level", "Only log messages at or above this level: debug, info, warn, error.").
		Envar("MENTORBOT_LOG_LEVEL").Default("info").SetValue(oneOf{"--log.level", logging.Levels, &c.logLevel})
	// The spelling before kingpin, kept so existing deployments keep working.
	cmd.Flag("log-level", "Old spelling of --log.level.").Hidden().SetValue(oneOf{"--log-level", logging.Levels, &c.logLevel})
	cmd.Flag("log.format", "Log format: json or logfmt.").
		Envar("MENTORBOT_LOG_FORMAT").Default("json").SetValue(oneOf{"--log.format", logging.Formats, &c.logFormat})
	cmd.Flag("dry-run", "Read from GitHub but write nothing; log every write it would make instead.").BoolVar(&c.dryRun)
}

func (c *common) load(stderr io.Writer) (config.Config, zerolog.Logger, error) {
	log, err := logging.New(stderr, c.logLevel, c.logFormat)
	if err != nil {
		return config.Config{}, log, usageError{err}
	}
	cfg, err := config.Load(c.config)
	if err != nil {
		return config.Config{}, log, err
	}
	if w := cfg.KeyFileWarning(); w != "" {
		log.Warn().Msg(w)
	}
	return cfg, log, nil
}

func registerServe(a *kingpin.Application, _, stderr io.Writer) (*kingpin.CmdClause, action) {
	cmd := a.Command("serve", "Serve GitHub webhooks on /api/github/hook, with /healthz, /readyz and /metrics, and run the sweeps on schedule.")
	var c common
	c.register(cmd)
	return cmd, func(ctx context.Context) error {
		cfg, log, err := c.load(stderr)
		if err != nil {
			return err
		}
		bot, err := app.New(cfg, app.Options{Version: version.Version, Logger: log, DryRun: c.dryRun})
		if err != nil {
			return err
		}
		return bot.Serve(ctx)
	}
}

// oneOf is a flag value restricted to a list; unlike kingpin's Enum, its
// error names the flag.
type oneOf struct {
	flag    string
	allowed []string
	v       *string
}

func (o oneOf) Set(s string) error {
	if !slices.Contains(o.allowed, s) {
		return fmt.Errorf("%s %q: want one of %s", o.flag, s, strings.Join(o.allowed, ", "))
	}
	*o.v = s
	return nil
}

func (o oneOf) String() string { return *o.v }

// rfc3339 is a flag value holding a moment given as RFC 3339, so a bad
// --now is a usage error reported by the parser.
type rfc3339 struct{ t *time.Time }

func (r rfc3339) Set(s string) error {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return fmt.Errorf("--now %q is not RFC3339 (e.g. 2026-11-30T09:00:00Z)", s)
	}
	*r.t = t
	return nil
}

func (r rfc3339) String() string {
	if r.t == nil || r.t.IsZero() {
		return ""
	}
	return r.t.Format(time.RFC3339)
}

func registerSweep(name, help string) func(*kingpin.Application, io.Writer, io.Writer) (*kingpin.CmdClause, action) {
	return func(a *kingpin.Application, stdout, stderr io.Writer) (*kingpin.CmdClause, action) {
		cmd := a.Command(name, help)
		var (
			c  common
			at time.Time
		)
		c.register(cmd)
		cmd.Flag("now", "Act as if it were this moment (RFC3339); default: the current time.").PlaceHolder("TIME").SetValue(rfc3339{&at})
		return cmd, func(ctx context.Context) error {
			now := time.Now
			if !at.IsZero() {
				now = func() time.Time { return at }
			}
			cfg, log, err := c.load(stderr)
			if err != nil {
				return err
			}
			bot, err := app.New(cfg, app.Options{Version: version.Version, Logger: log, DryRun: c.dryRun, Now: now})
			if err != nil {
				return err
			}
			return bot.RunSweep(log.With().Str("sweep", name).Logger().WithContext(ctx), name, stdout)
		}
	}
}

func registerCheckConfig(a *kingpin.Application, stdout, stderr io.Writer) (*kingpin.CmdClause, action) {
	cmd := a.Command("check-config", "Validate a mentorbot.yml policy file: print every problem with its line, exit 1 if there is any. With --config, also validate the server configuration, warn when its key file is readable by others, and check on GitHub that each tracking issue, and program.tracking_repo, is one the app can write to. With --repo and --config instead of FILE, print the policy in effect for a repository, merged from the files the app reads on GitHub, with the file each key comes from.")
	var server, file, repo string
	cmd.Flag("config", "Also check this server configuration and its private key file (and the tracking issues on GitHub).").PlaceHolder("FILE").StringVar(&server)
	cmd.Flag("repo", "Instead of FILE, print the effective policy of this repository read from GitHub, and where each key comes from; needs --config.").PlaceHolder("OWNER/NAME").StringVar(&repo)
	cmd.Arg("file", "The policy file (mentorbot.yml).").StringVar(&file)
	return cmd, func(ctx context.Context) error {
		switch {
		case repo != "" && (server == "" || file != ""):
			return usageError{errors.New("--repo takes --config and no FILE")}
		case repo != "":
			return app.ExplainRepoPolicy(ctx, server, repo, app.Options{Version: version.Version, Logger: zerolog.New(stderr).Level(zerolog.WarnLevel)}, stdout)
		case file == "":
			return usageError{errors.New("required argument 'file' not provided")}
		}
		bad := false
		if server != "" {
			warnings, err := app.CheckServerConfig(server)
			for _, w := range warnings {
				fmt.Fprintf(stdout, "%s: warning: %s\n", server, w)
			}
			if err != nil {
				fmt.Fprintf(stdout, "%s: %v\n", server, err)
				bad = true
			}
		}
		problems, warnings, err := app.CheckPolicy(ctx, file, server, time.Now())
		if err != nil {
			return err
		}
		for _, w := range warnings {
			fmt.Fprintf(stdout, "%s: warning: %s\n", file, w)
		}
		for _, p := range problems {
			fmt.Fprintf(stdout, "%s: %s\n", file, p)
		}
		if len(problems) > 0 {
			fmt.Fprintf(stdout, "%d problem(s)\n", len(problems))
			return failed{}
		}
		if bad {
			return failed{}
		}
		fmt.Fprintf(stdout, "%s: ok\n", file)
		return nil
	}
}

func registerSetup(a *kingpin.Application, stdout, _ io.Writer) (*kingpin.CmdClause, action) {
	cmd := a.Command("setup", "Create mentorbot's GitHub App on --org with GitHub's manifest flow: open the page it serves, confirm on GitHub, and it writes --out and the app's private key (mode 0600) next to it.")
	var (
		o             setup.Options
		printManifest bool
	)
	cmd.Flag("org", "Organisation that will own the app (required unless --print-manifest).").StringVar(&o.Org)
	cmd.Flag("name", "App name (default mentorbot-ORG).").StringVar(&o.Name)
	cmd.Flag("url", "Webhook URL, e.g. https://mentorbot.example.com/api/github/hook; empty creates the webhook inactive.").PlaceHolder("WEBHOOK_URL").StringVar(&o.WebhookURL)
	cmd.Flag("github", "GitHub's web URL (GitHub Enterprise Server: https://HOST).").Default("https://github.com").StringVar(&o.GitHubURL)
	cmd.Flag("api", "REST API URL (default from --github: https://api.github.com/ or https://HOST/api/v3/).").PlaceHolder("URL").StringVar(&o.APIURL)
	cmd.Flag("out", "Server configuration to write; the private key goes next to it.").Envar("MENTORBOT_CONFIG").Default("config.yml").PlaceHolder("FILE").StringVar(&o.Out)
	cmd.Flag("addr", "Address of the local setup page.").Default("127.0.0.1:3000").StringVar(&o.Addr)
	cmd.Flag("force", "Overwrite --out if it exists.").BoolVar(&o.Force)
	cmd.Flag("print-manifest", "Print the app manifest (deploy/github-app.yml) and exit.").BoolVar(&printManifest)
	return cmd, func(ctx context.Context) error {
		if printManifest {
			b, err := setup.ManifestYAML()
			if err != nil {
				return err
			}
			_, err = stdout.Write(b)
			return err
		}
		if o.Org == "" {
			return usageError{errors.New("required flag --org not provided")}
		}
		o.Log = stdout
		_, err := setup.Run(ctx, o)
		return err
	}
}

func registerDemo(a *kingpin.Application, stdout, _ io.Writer) (*kingpin.CmdClause, action) {
	cmd := a.Command("demo", "Run the whole workflow offline against the built-in GitHub simulator and print it as a timeline.")
	var o tour.Options
	cmd.Flag("serve", "After the tour, keep the simulator and the bot running, the bot on this address (e.g. 127.0.0.1:8080).").PlaceHolder("ADDR").StringVar(&o.Serve)
	cmd.Flag("verbose", "Also print the bot's decisions and logs.").BoolVar(&o.Verbose)
	return cmd, func(ctx context.Context) error {
		return tour.Run(ctx, stdout, o)
	}
}
