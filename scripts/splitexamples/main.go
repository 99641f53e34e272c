// Command splitexamples writes the webhook examples of @octokit/webhooks-examples
// that mentorbot subscribes to as one file each, for the replay tests.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

// events are the webhook events mentorbot's GitHub App subscribes to.
var events = map[string]bool{
	"pull_request": true, "issues": true, "issue_comment": true,
	"pull_request_review": true, "installation": true,
	"installation_repositories": true, "ping": true,
}

type entry struct {
	Name     string            `json:"name"`
	Examples []json.RawMessage `json:"examples"`
}

func main() {
	in := flag.String("in", "index.json", "path to api.github.com/index.json of @octokit/webhooks-examples")
	out := flag.String("out", "testdata/webhooks", "output directory")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "splitexamples:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	data, err := os.ReadFile(in)
	if err != nil {
		return fmt.Errorf("read examples: %w", err)
	}
	var entries []entry
	if err := json.Unmarshal(data, &entries); err != nil {
		return fmt.Errorf("decode examples: %w", err)
	}
	for _, e := range entries {
		if !events[e.Name] {
			continue
		}
		seen := map[string]int{}
		for _, ex := range e.Examples {
			var head struct {
				Action string `json:"action"`
			}
			if err := json.Unmarshal(ex, &head); err != nil {
				return fmt.Errorf("decode %s example: %w", e.Name, err)
			}
			action := head.Action
			if action == "" {
				action = e.Name
			}
			seen[action]++
			var v any
			if err := json.Unmarshal(ex, &v); err != nil {
				return fmt.Errorf("decode %s example: %w", e.Name, err)
			}
			pretty, err := json.MarshalIndent(v, "", "  ")
			if err != nil {
				return fmt.Errorf("encode %s example: %w", e.Name, err)
			}
			name := filepath.Join(out, fmt.Sprintf("%s.%s.%d.json", e.Name, action, seen[action]))
			if err := os.WriteFile(name, append(pretty, '\n'), 0o644); err != nil {
				return fmt.Errorf("write %s: %w", name, err)
			}
		}
	}
	return nil
}
