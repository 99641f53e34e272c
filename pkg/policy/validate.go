package policy

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"text/template/parse"
	"time"

	"gopkg.in/yaml.v3"

	// Embedded zone data, so that reviews.timezone and digest.timezone
	// resolve in a minimal container without /usr/share/zoneinfo.
	_ "time/tzdata"
)

// checks validate single values once they have their Go type, keyed by the
// schema path (list items as "[]"). A check returns "" when the value is
// fine and a message otherwise; the value then keeps its default. Checks
// that span fields of a roster entry are in decoder.entryChecks.
var checks = map[string]func(v any) string{
	"version": func(v any) string {
		if n, _ := v.(int); n != Version {
			return fmt.Sprintf("version %d is not supported; this build understands version %d", v, Version)
		}
		return ""
	},
	"program.contributing_url": str(checkURL),
	"program.tracking_repo":    str(optional(checkRepo)),
	"program.onboarding":       str(checkTemplate("program.onboarding")),

	"mentees[].login":          str(checkLogin),
	"mentees[].tracking_issue": str(optional(checkIssueRef)),
	"mentees[].mentors[]":      str(checkLogin),

	"labels.mentee_pr":   str(checkLabel),
	"labels.mentee_task": str(checkLabel),

	"welcome.scope":   str(oneOf("repo", "org")),
	"welcome.message": str(checkTemplate("welcome.message")),

	"reviews.scope":           str(oneOf("mentees", "all")),
	"reviews.timezone":        str(checkTimezone),
	"reviews.reviewers[]":     str(checkLogin),
	"reviews.exclude[]":       str(checkExcludedLogin),
	"reviews.keepalive_label": str(optional(checkLabel)),
	"reviews.exempt_labels[]": str(checkLabel),
	"reviews.bots[]":          str(checkExcludedLogin),

	"digest.hour": func(v any) string {
		if h, _ := v.(int); h > 23 {
			return fmt.Sprintf("hour %d is not in 0..23", h)
		}
		return ""
	},
	"digest.timezone": str(checkTimezone),
	"digest.scope":    str(oneOf("org", "public")),
}

// str adapts a string check to the checks table; the decoder only calls it
// with the string values of string fields.
func str(f func(string) string) func(any) string {
	return func(v any) string {
		s, _ := v.(string)
		return f(s)
	}
}

// optional lets the empty string through, meaning "not set".
func optional(f func(string) string) func(string) string {
	return func(s string) string {
		if s == "" {
			return ""
		}
		return f(s)
	}
}

func oneOf(allowed ...string) func(string) string {
	return func(s string) string {
		for _, a := range allowed {
			if s == a {
				return ""
			}
		}
		return fmt.Sprintf("%q is not one of %s", s, strings.Join(allowed, ", "))
	}
}

// ValidLogin reports whether s has the shape of a GitHub user login: 1 to 39
// letters, digits and hyphens, not starting with a hyphen. GitHub no longer
// accepts consecutive or trailing hyphens in new logins, but some old
// accounts have them, so they are allowed.
func ValidLogin(s string) bool {
	if s == "" || len(s) > 39 || s[0] == '-' {
		return false
	}
	for _, r := range s {
		if !isAlnum(r) && r != '-' {
			return false
		}
	}
	return true
}

func isAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

func checkLogin(s string) string {
	if s == "" {
		return "login must not be empty"
	}
	if strings.HasPrefix(s, "@") && ValidLogin(s[1:]) {
		return fmt.Sprintf("write the login without @: %q", s[1:])
	}
	if !ValidLogin(s) {
		return fmt.Sprintf("%q is not a GitHub login (letters, digits and hyphens, at most 39)", s)
	}
	return ""
}

// checkExcludedLogin also accepts app accounts such as "dependabot[bot]",
// which are worth excluding explicitly.
func checkExcludedLogin(s string) string {
	if base, ok := strings.CutSuffix(s, "[bot]"); ok && ValidLogin(base) {
		return ""
	}
	return checkLogin(s)
}

// validRepoName reports whether s can be a GitHub repository name.
func validRepoName(s string) bool {
	if s == "" || len(s) > 100 || s == "." || s == ".." {
		return false
	}
	for _, r := range s {
		if !isAlnum(r) && r != '-' && r != '_' && r != '.' {
			return false
		}
	}
	return true
}

// SplitRepo splits "owner/repo".
func SplitRepo(s string) (owner, repo string, ok bool) {
	owner, repo, ok = strings.Cut(s, "/")
	if !ok || !ValidLogin(owner) || !validRepoName(repo) {
		return "", "", false
	}
	return owner, repo, true
}

func checkRepo(s string) string {
	if _, _, ok := SplitRepo(s); !ok {
		return fmt.Sprintf("%q is not a repository in the form owner/repo", s)
	}
	return ""
}

// IssueRef is a reference to an issue, written "owner/repo#N".
type IssueRef struct {
	Owner, Repo string
	Number      int
}

// String writes "owner/repo#N".
func (r IssueRef) String() string { return fmt.Sprintf("%s/%s#%d", r.Owner, r.Repo, r.Number) }

// ParseIssueRef parses "owner/repo#N", as in a mentee's tracking_issue.
func ParseIssueRef(s string) (IssueRef, error) {
	repo, num, ok := strings.Cut(s, "#")
	if ok {
		if o, r, ok := SplitRepo(repo); ok {
			n, err := strconv.Atoi(num)
			if err == nil && n > 0 && !strings.HasPrefix(num, "+") {
				return IssueRef{Owner: o, Repo: r, Number: n}, nil
			}
		}
	}
	return IssueRef{}, fmt.Errorf("%q is not an issue in the form owner/repo#N", s)
}

func checkIssueRef(s string) string {
	if _, err := ParseIssueRef(s); err != nil {
		return err.Error()
	}
	return ""
}

// TrackingIssueRef parses the mentee's tracking_issue; ok is false when the
// entry has none (the bot opens one) or, for entries built in code, when it
// is malformed.
func (m Mentee) TrackingIssueRef() (IssueRef, bool) {
	if m.TrackingIssue == "" {
		return IssueRef{}, false
	}
	r, err := ParseIssueRef(m.TrackingIssue)
	return r, err == nil
}

// checkLabel follows GitHub's limits on label names.
func checkLabel(s string) string {
	switch {
	case strings.TrimSpace(s) == "":
		return "label name must not be empty"
	case len([]rune(s)) > 50:
		return fmt.Sprintf("label name %q is longer than 50 characters", s)
	}
	return ""
}

func checkURL(s string) string {
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Sprintf("%q is not an http(s) URL", s)
	}
	return ""
}

// checkTimezone accepts IANA names. "Local" is refused: it would depend on
// the machine the bot runs on.
func checkTimezone(s string) string {
	if s == "" || s == "Local" {
		return fmt.Sprintf("timezone %q is not an IANA time zone name such as UTC or Europe/Warsaw", s)
	}
	if _, err := time.LoadLocation(s); err != nil {
		return fmt.Sprintf("timezone %q is not an IANA time zone name such as UTC or Europe/Warsaw", s)
	}
	return ""
}

// Location returns the reviews time zone; it falls back to UTC for policies
// built in code with a bad name, since Parse never lets one through.
func (r Reviews) Location() *time.Location { return location(r.Timezone) }

// Location returns the digest time zone, like Reviews.Location.
func (d Digest) Location() *time.Location { return location(d.Timezone) }

func location(name string) *time.Location {
	if name == "" || name == "Local" {
		return time.UTC
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	return loc
}

// checkTemplate parses a Go text/template for syntax only. Functions are not
// checked, because the renderer, elsewhere, defines which ones exist; an
// unknown function is reported when the message is rendered.
func checkTemplate(name string) func(string) string {
	return func(s string) string {
		t := parse.New(name)
		t.Mode = parse.SkipFuncCheck | parse.ParseComments
		if _, err := t.Parse(s, "", "", map[string]*parse.Tree{}); err != nil {
			return fmt.Sprintf("not a valid Go template: %s", strings.TrimPrefix(err.Error(), "template: "))
		}
		return ""
	}
}

// entryChecks are the checks across fields of one roster entry. They run
// even when a field of the entry already has a problem, so that check-config
// reports every problem of an entry at once; a field whose value was
// refused is left at its zero value and skipped here.
func (d *decoder) entryChecks(n *yaml.Node, m *Mentee, path string, logins map[string]*yaml.Node) {
	var loginKey *yaml.Node
	at := func(k string) *yaml.Node {
		for _, kv := range d.pairs(n, path, 0) {
			if keyText(kv[0]) == k {
				return resolve(kv[1])
			}
		}
		return n
	}
	for _, kv := range d.pairs(n, path, 0) {
		if keyText(kv[0]) == "login" {
			loginKey = kv[0]
		}
	}
	if loginKey == nil {
		d.add(n, path, "login is required")
	}
	if !m.Start.IsZero() && !m.End.IsZero() && m.End.Before(m.Start) {
		d.add(at("end"), path+".end", fmt.Sprintf("end %s is before start %s", m.End, m.Start))
	}
	if m.Login == "" {
		return // missing or refused: reported above or by the login check
	}
	low := strings.ToLower(m.Login)
	if prev, ok := logins[low]; ok {
		d.add(at("login"), path+".login", fmt.Sprintf("duplicate login %q (first at line %d)", m.Login, prev.Line))
		return
	}
	logins[low] = at("login")
}

// Lint finds what parses but is probably not what the author meant, in the
// YAML text itself, which Parse does not keep (comments): check-config
// prints these as warnings. Parse reports a file that is not YAML; Lint then
// says nothing.
//
//   - A key with no value and a comment starting right after "#", as in
//     `channels: #thanos-dev`: YAML reads the Slack channel as a comment and
//     the value as empty.
//   - A mentee without mentors: nobody is pinged when their pull requests
//     wait twice reviews.wait.
func Lint(data []byte, source string) []Problem {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 {
		return nil
	}
	var out []Problem
	warn := func(n *yaml.Node, path, msg string) {
		out = append(out, Problem{Source: source, Line: n.Line, Column: n.Column, Path: path, Message: msg})
	}
	budget := maxNodes // aliases must not make a small file expensive here either
	var walk func(n *yaml.Node, path string)
	walk = func(n *yaml.Node, path string) {
		if budget--; budget < 0 || n.Kind == yaml.AliasNode {
			return
		}
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				p := join(path, k.Value)
				if v.Kind == yaml.ScalarNode && v.ShortTag() == "!!null" && v.Value == "" && looksLikeValue(k.LineComment) {
					warn(k, p, fmt.Sprintf("%s is empty: YAML reads %s as a comment; quote it if it is the value (%s: %q)", k.Value, k.LineComment, k.Value, k.LineComment))
				}
				walk(v, p)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				walk(c, fmt.Sprintf("%s[%d]", path, i))
			}
		}
	}
	root := resolve(doc.Content[0])
	walk(root, "")

	mentees := mappingValue(root, "mentees")
	if mentees == nil || mentees.Kind != yaml.SequenceNode {
		return out
	}
	for i, item := range mentees.Content {
		e := resolve(item)
		login := mappingValue(e, "login")
		if e.Kind != yaml.MappingNode || login == nil || login.Kind != yaml.ScalarNode {
			continue // Parse reports it
		}
		mentors := mappingValue(e, "mentors")
		if mentors == nil || mentors.ShortTag() == "!!null" || mentors.Kind == yaml.SequenceNode && len(mentors.Content) == 0 {
			warn(item, fmt.Sprintf("mentees[%d].mentors", i), fmt.Sprintf("%s has no mentors: nobody is pinged when their pull requests wait twice reviews.wait", login.Value))
		}
	}
	return out
}

// looksLikeValue reports whether a line comment is probably a value YAML
// took for a comment: "#thanos-dev" rather than "# set later".
func looksLikeValue(comment string) bool {
	rest, ok := strings.CutPrefix(comment, "#")
	return ok && rest != "" && rest[0] != ' ' && rest[0] != '\t' && rest[0] != '#'
}

// mappingValue returns the value of key in mapping n (aliases resolved;
// merge keys are not followed), or nil.
func mappingValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if keyText(n.Content[i]) == key {
			return resolve(n.Content[i+1])
		}
	}
	return nil
}
