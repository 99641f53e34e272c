package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "api.json")
	out := filepath.Join(dir, "ops.tsv")
	const doc = `{
  "info": {"title": "t", "version": "9.9.9"},
  "paths": {
    "/repos/{owner}/{repo}/issues": {
      "post": {"operationId": "issues/create"},
      "get": {"operationId": "issues/list-for-repo"},
      "parameters": []
    },
    "/app": {"get": {"operationId": "apps/get-authenticated"}}
  }
}`
	if err := os.WriteFile(spec, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := run(spec, out, "@octokit/openapi"); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var body []string
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if !strings.HasPrefix(l, "#") {
			body = append(body, l)
		}
	}
	want := []string{
		"GET\t/app\tapps/get-authenticated",
		"GET\t/repos/{owner}/{repo}/issues\tissues/list-for-repo",
		"POST\t/repos/{owner}/{repo}/issues\tissues/create",
	}
	if strings.Join(body, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(body, "\n"), strings.Join(want, "\n"))
	}
	if !strings.Contains(string(b), "@octokit/openapi 9.9.9") || !strings.Contains(string(b), "go run ./scripts/genops") {
		t.Errorf("header does not say where the list comes from:\n%s", b)
	}
}

func TestRunRefusesMissingOperationID(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "api.json")
	if err := os.WriteFile(spec, []byte(`{"paths": {"/x": {"get": {}}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := run(spec, filepath.Join(dir, "out"), "p"); err == nil {
		t.Error("want an error for an operation without operationId")
	}
}
