package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/thanos-community/mentorbot/pkg/setup"
)

const setupUsage = `Usage: mentorbot setup --org ORG [--url WEBHOOK_URL] [--github https://github.com] [--api URL] [--out config.yml] [--addr 127.0.0.1:3000]
       mentorbot setup --print-manifest

Creates mentorbot's GitHub App on ORG with GitHub's manifest flow: open the
page it serves, confirm on GitHub, and it writes config.yml and the app's
private key (mode 0600) next to it.

`

func setupCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("setup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, setupUsage)
		fs.PrintDefaults()
	}
	var o setup.Options
	fs.StringVar(&o.Org, "org", "", "organisation that will own the app (required)")
	fs.StringVar(&o.Name, "name", "", "app name (default mentorbot-ORG)")
	fs.StringVar(&o.WebhookURL, "url", "", "webhook URL, e.g. https://mentorbot.example.com/api/github/hook; empty creates the webhook inactive")
	fs.StringVar(&o.GitHubURL, "github", "https://github.com", "GitHub's web URL (GitHub Enterprise Server: https://HOST)")
	fs.StringVar(&o.APIURL, "api", "", "REST API URL (default from --github: https://api.github.com/ or https://HOST/api/v3/)")
	fs.StringVar(&o.Out, "out", "config.yml", "server configuration to write; the private key goes next to it")
	fs.StringVar(&o.Addr, "addr", "127.0.0.1:3000", "address of the local setup page")
	fs.BoolVar(&o.Force, "force", false, "overwrite --out if it exists")
	printManifest := fs.Bool("print-manifest", false, "print the app manifest (deploy/github-app.yml) and exit")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *printManifest {
		b, err := setup.ManifestYAML()
		if err != nil {
			return err
		}
		_, err = stdout.Write(b)
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	o.Log = stdout
	_, err := setup.Run(ctx, o)
	return err
}
