// Package usertemplate runs the Go text/templates a policy may supply for
// the bot's comments (welcome.message, program.onboarding) so that a broken
// or runaway template is an error the caller can fall back from, never a
// broken comment: unknown fields fail, empty output fails, and output longer
// than a comment may hold fails.
package usertemplate

import (
	"bytes"
	"fmt"
	"strings"
	"text/template"
)

// Render parses src as template name with funcs, executes it on data and
// checks the result fits in maxBytes; what describes the text in errors
// ("welcome", "checklist").
func Render(name, what, src string, funcs template.FuncMap, data any, maxBytes int) (string, error) {
	t, err := template.New(name).Funcs(funcs).Option("missingkey=error").Parse(src)
	if err != nil {
		return "", fmt.Errorf("parse: %w", err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return "", fmt.Errorf("execute: %w", err)
	}
	out := b.String()
	switch {
	case strings.TrimSpace(out) == "":
		return "", fmt.Errorf("renders an empty %s", what)
	case len(out) > maxBytes:
		return "", fmt.Errorf("renders %d characters, more than the %d a %s may hold", len(out), maxBytes, what)
	}
	return out, nil
}
