package policy

import (
	"strings"
	"testing"
)

// TestDocsCoverEveryKey keeps the docs table and the schema in step: a new
// field needs a description, and a removed one takes its description along.
func TestDocsCoverEveryKey(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range keys() {
		seen[r.path] = true
		if strings.TrimSpace(docs[r.path]) == "" {
			t.Errorf("key %q has no entry in docs", r.path)
		}
	}
	for k := range docs {
		if !seen[k] {
			t.Errorf("docs has %q, which is not a key of the schema", k)
		}
	}
}

// TestChecksNameRealKeys guards against a typo in the checks table, which
// would silently leave a key unchecked.
func TestChecksNameRealKeys(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range keys() {
		seen[r.path] = true
		if strings.HasPrefix(r.typ, "list of") {
			seen[r.path+"[]"] = true
		}
	}
	for k := range checks {
		if !seen[k] {
			t.Errorf("checks has %q, which is not a key of the schema", k)
		}
	}
}

func TestReference(t *testing.T) {
	ref := Reference()
	for _, want := range []string{
		"| key | type | default | description |",
		"| `reviews.wait` | duration | `72h` | ",
		"| `digest.weekday` | weekday | `monday` | ",
		"| `mentees[].login` | string | — | ",
		"| `labels.mentee_pr` | string | `mentee` | ",
		"| `welcome.enabled` | boolean | `true` | ",
		"| `reviews.reviewers` | list of strings | `[]` | ",
	} {
		if !strings.Contains(ref, want) {
			t.Errorf("reference lacks %q:\n%s", want, ref)
		}
	}
	if n := strings.Count(ref, "\n"); n != len(keys())+2 {
		t.Errorf("reference has %d lines, want one per key plus the header", n)
	}
}
