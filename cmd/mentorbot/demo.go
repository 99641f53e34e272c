package main

import (
	"context"
	"flag"
	"io"

	tour "github.com/thanos-community/mentorbot/pkg/demo"
)

func demo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	serve := fs.String("serve", "", "after the tour, keep the simulator and the bot running, the bot on this address (e.g. 127.0.0.1:8080)")
	verbose := fs.Bool("verbose", false, "print the bot's logs too")
	if err := fs.Parse(args); err != nil {
		return err
	}
	return tour.Run(ctx, stdout, tour.Options{Serve: *serve, Verbose: *verbose})
}
