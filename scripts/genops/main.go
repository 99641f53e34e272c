// Command genops derives the list of REST operations that GitHub's published
// OpenAPI description defines, one line per operation (method, path template,
// operationId, tab-separated), for the GitHub simulator in pkg/githubsim.
//
// The simulator refuses every request that is not on this list, so the list
// must come from GitHub's own description, not from what mentorbot happens to
// call. Regenerate it with:
//
//	npm pack @octokit/openapi@23.0.2
//	tar xzf octokit-openapi-23.0.2.tgz
//	go run ./scripts/genops -spec package/generated/api.github.com.json -out pkg/githubsim/operations.tsv
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// methods are the HTTP methods an OpenAPI path item may describe.
var methods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

type spec struct {
	Info struct {
		Title   string `json:"title"`
		Version string `json:"version"`
	} `json:"info"`
	Paths map[string]map[string]json.RawMessage `json:"paths"`
}

type operation struct {
	Method, Path, ID string
}

func main() {
	specPath := flag.String("spec", "api.github.com.json", "GitHub's OpenAPI description (JSON), e.g. from the npm package @octokit/openapi")
	out := flag.String("out", "-", "file to write the operation list to; - for standard output")
	pkg := flag.String("package", "@octokit/openapi", "name of the package the description comes from, for the header")
	flag.Parse()

	if err := run(*specPath, *out, *pkg); err != nil {
		fmt.Fprintf(os.Stderr, "genops: %v\n", err)
		os.Exit(1)
	}
}

func run(specPath, out, pkg string) error {
	raw, err := os.ReadFile(specPath)
	if err != nil {
		return fmt.Errorf("read description: %w", err)
	}
	var s spec
	if err := json.Unmarshal(raw, &s); err != nil {
		return fmt.Errorf("parse description %s: %w", specPath, err)
	}
	ops, err := operations(s)
	if err != nil {
		return err
	}

	var buf bytes.Buffer
	fmt.Fprintf(&buf, "# Operations of GitHub's REST API (api.github.com), derived from the npm package %s %s\n", pkg, s.Info.Version)
	fmt.Fprintf(&buf, "# (%s, generated/api.github.com.json). Do not edit by hand; regenerate with:\n", s.Info.Title)
	fmt.Fprintf(&buf, "#   npm pack %s@%s && tar xzf *.tgz\n", pkg, s.Info.Version)
	fmt.Fprintf(&buf, "#   go run ./scripts/genops -spec package/generated/api.github.com.json -out pkg/githubsim/operations.tsv\n")
	fmt.Fprintf(&buf, "# Columns: METHOD, path template, operationId (tab-separated), sorted by path then method.\n")
	for _, op := range ops {
		fmt.Fprintf(&buf, "%s\t%s\t%s\n", op.Method, op.Path, op.ID)
	}

	if out == "-" {
		_, err := io.Copy(os.Stdout, &buf)
		return err
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	return nil
}

// operations lists every method of every path in the description, sorted.
func operations(s spec) ([]operation, error) {
	var ops []operation
	for path, item := range s.Paths {
		for _, m := range methods {
			rawOp, ok := item[m]
			if !ok {
				continue
			}
			var op struct {
				OperationID string `json:"operationId"`
			}
			if err := json.Unmarshal(rawOp, &op); err != nil {
				return nil, fmt.Errorf("parse %s %s: %w", strings.ToUpper(m), path, err)
			}
			if op.OperationID == "" {
				return nil, fmt.Errorf("%s %s has no operationId", strings.ToUpper(m), path)
			}
			ops = append(ops, operation{Method: strings.ToUpper(m), Path: path, ID: op.OperationID})
		}
	}
	if len(ops) == 0 {
		return nil, fmt.Errorf("no operations found: is this an OpenAPI description?")
	}
	sort.Slice(ops, func(i, j int) bool {
		if ops[i].Path != ops[j].Path {
			return ops[i].Path < ops[j].Path
		}
		return ops[i].Method < ops[j].Method
	})
	return ops, nil
}
