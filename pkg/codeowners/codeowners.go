// Package codeowners parses GitHub CODEOWNERS files and answers "who owns this
// path" the way GitHub does: the last matching pattern wins, and a pattern
// without owners leaves the path unowned. Owners come back split into users
// and teams so that the reviewer choice can expand teams to their members.
//
// The package is pure; the only way it touches GitHub is Find, which reads the
// file through a one-method interface the caller implements.
package codeowners

import (
	"context"
	"fmt"
	"regexp"
	"strings"
)

// Locations returns the paths where GitHub looks for a CODEOWNERS file, in the
// order it looks: GitHub uses the first file it finds in .github/, then the
// repository root, then docs/, and ignores the others.
func Locations() []string {
	return []string{".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"}
}

// Getter reads one file from the repository's default branch. found is false
// (with a nil error) when the file does not exist.
type Getter interface {
	GetFile(ctx context.Context, path string) (data []byte, found bool, err error)
}

// Find reads the CODEOWNERS file GitHub would use, trying Locations in order.
// It returns a nil File and an empty path when the repository has none (as
// thanos-io/thanos), which is not an error.
func Find(ctx context.Context, g Getter) (*File, string, error) {
	for _, p := range Locations() {
		data, found, err := g.GetFile(ctx, p)
		if err != nil {
			return nil, "", fmt.Errorf("read %s: %w", p, err)
		}
		if found {
			return Parse(data), p, nil
		}
	}
	return nil, "", nil
}

// File is a parsed CODEOWNERS file.
type File struct {
	// Rules in file order; later rules take precedence.
	Rules []Rule
	// Problems are lines GitHub would reject (they are skipped, as GitHub
	// skips them) or accept with a caveat; useful for logs and check-config.
	Problems []Problem
}

// Problem is one questionable line.
type Problem struct {
	Line int
	Msg  string
}

func (p Problem) String() string { return fmt.Sprintf("line %d: %s", p.Line, p.Msg) }

// Rule is one "pattern owner..." line.
type Rule struct {
	// Pattern as written in the file.
	Pattern string
	// Owners as written: "@user", "@org/team" or an e-mail address. Empty
	// means the pattern un-owns what it matches.
	Owners []string
	// Line is the 1-based line number.
	Line int

	re *regexp.Regexp
}

// Matches reports whether the rule's pattern matches path (a repository path
// such as "tsdb/head.go", with or without a leading slash).
func (r Rule) Matches(path string) bool {
	if r.re == nil {
		return false
	}
	return r.re.MatchString(cleanPath(path))
}

// Owners is the result of a lookup.
type Owners struct {
	// Rule is the rule that decided; zero when nothing matched.
	Rule Rule
	// Matched is false when no pattern matched the path.
	Matched bool
	// Users are logins without the "@".
	Users []string
	// Teams are "org/team" without the "@".
	Teams []string
	// Emails are owners given by e-mail address; GitHub maps them to users
	// we cannot see, so callers usually just log them.
	Emails []string
}

// Match returns the last rule that matches path, as GitHub decides.
func (f *File) Match(path string) (Rule, bool) {
	if f == nil {
		return Rule{}, false
	}
	p := cleanPath(path)
	for i := len(f.Rules) - 1; i >= 0; i-- {
		if f.Rules[i].re != nil && f.Rules[i].re.MatchString(p) {
			return f.Rules[i], true
		}
	}
	return Rule{}, false
}

// Owners returns who owns path, split into users, teams and e-mails. A path
// whose deciding rule has no owners has none, even if an earlier rule named
// some: that is how a CODEOWNERS file un-owns a subtree.
func (f *File) Owners(path string) Owners {
	r, ok := f.Match(path)
	if !ok {
		return Owners{}
	}
	o := Owners{Rule: r, Matched: true}
	for _, owner := range r.Owners {
		switch {
		case strings.HasPrefix(owner, "@") && strings.Contains(owner, "/"):
			o.Teams = append(o.Teams, owner[1:])
		case strings.HasPrefix(owner, "@"):
			o.Users = append(o.Users, owner[1:])
		default:
			o.Emails = append(o.Emails, owner)
		}
	}
	return o
}

func cleanPath(p string) string {
	return strings.TrimPrefix(p, "/")
}

var (
	userOwner  = regexp.MustCompile(`^@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$`)
	teamOwner  = regexp.MustCompile(`^@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9][A-Za-z0-9_.-]*$`)
	emailOwner = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
)

// Parse reads a CODEOWNERS file. It never fails: lines GitHub would reject are
// skipped and reported in Problems, so one typo does not disown the repository.
func Parse(data []byte) *File {
	f := &File{}
	for i, line := range strings.Split(string(data), "\n") {
		n := i + 1
		line = strings.TrimRight(line, "\r")
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		fields := splitFields(trimmed)
		if len(fields) == 0 {
			continue
		}
		pattern := fields[0]
		var owners []string
		bad := ""
		for _, o := range fields[1:] {
			// A "#" starting a field begins an inline comment. GitHub's
			// documentation is silent on these; git and most tools accept
			// them, so we do too rather than reject the line.
			if strings.HasPrefix(o, "#") {
				break
			}
			if !userOwner.MatchString(o) && !teamOwner.MatchString(o) && !emailOwner.MatchString(o) {
				bad = o
				break
			}
			owners = append(owners, o)
		}
		if bad != "" {
			f.Problems = append(f.Problems, Problem{Line: n, Msg: fmt.Sprintf("owner %q is not @user, @org/team or an e-mail address; line skipped", bad)})
			continue
		}
		re, warn, err := compile(pattern)
		if err != nil {
			f.Problems = append(f.Problems, Problem{Line: n, Msg: err.Error() + "; line skipped"})
			continue
		}
		if warn != "" {
			f.Problems = append(f.Problems, Problem{Line: n, Msg: warn})
		}
		f.Rules = append(f.Rules, Rule{Pattern: pattern, Owners: owners, Line: n, re: re})
	}
	return f
}

// splitFields splits on unescaped whitespace, keeping backslash escapes in
// the fields (compile interprets them), so "a\ b" stays one pattern.
func splitFields(s string) []string {
	var out []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			out = append(out, b.String())
			b.Reset()
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			b.WriteByte(c)
			b.WriteByte(s[i+1])
			i++
		case c == ' ' || c == '\t':
			flush()
		default:
			b.WriteByte(c)
		}
	}
	flush()
	return out
}

// token is one unit of a pattern: a literal byte, or a wildcard.
type token struct {
	lit  rune
	kind rune // 0 literal, '*', '?', '/'
}

// compile turns a CODEOWNERS pattern into an anchored regular expression,
// following gitignore rules as GitHub applies them:
//
//   - a leading "/" or a "/" in the middle anchors the pattern at the root;
//     otherwise it matches at any depth ("*.go", "docs", "apps/");
//   - a trailing "/" matches directories only, so only paths below it;
//   - "*" and "?" never cross "/"; "**" does ("**/logs", "a/**/b", "a/**");
//   - a pattern that matches a directory matches everything beneath it,
//     except that a final "/*" matches only the directory's direct entries
//     (GitHub's documented "docs/*" example);
//   - "!" negation and "[ ]" ranges are not supported by GitHub: the line is
//     rejected.
func compile(pattern string) (*regexp.Regexp, string, error) {
	warn := ""
	if strings.HasPrefix(pattern, "!") {
		return nil, "", fmt.Errorf("pattern %q: negation with ! is not supported by GitHub", pattern)
	}
	if strings.HasPrefix(pattern, `\#`) {
		// GitHub documents that escaping a leading # does not work in
		// CODEOWNERS; git reads it as a literal #. We follow git so the
		// author's intent is kept, and say so.
		warn = fmt.Sprintf("pattern %q: GitHub documents that escaping a leading # does not work; treated as a literal #", pattern)
	}
	var toks []token
	rs := []rune(pattern)
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch c {
		case '\\':
			if i+1 < len(rs) {
				i++
				toks = append(toks, token{lit: rs[i]})
			}
		case '[', ']':
			return nil, "", fmt.Errorf("pattern %q: character ranges with [ ] are not supported by GitHub", pattern)
		case '*', '?', '/':
			toks = append(toks, token{kind: c})
		default:
			toks = append(toks, token{lit: c})
		}
	}
	dirOnly := false
	for len(toks) > 0 && toks[len(toks)-1].kind == '/' {
		dirOnly = true
		toks = toks[:len(toks)-1]
	}
	anchored := false
	for len(toks) > 0 && toks[0].kind == '/' {
		anchored = true
		toks = toks[1:]
	}
	if len(toks) == 0 {
		if dirOnly || anchored {
			// "/" alone: the whole repository.
			return regexp.MustCompile(`^.*$`), warn, nil
		}
		return nil, "", fmt.Errorf("empty pattern")
	}
	// Split into segments on "/".
	var segs [][]token
	cur := []token{}
	for _, t := range toks {
		if t.kind == '/' {
			anchored = true // a slash in the middle anchors the pattern
			if len(cur) > 0 {
				segs = append(segs, cur)
			}
			cur = []token{}
			continue
		}
		cur = append(cur, t)
	}
	if len(cur) > 0 {
		segs = append(segs, cur)
	}

	var b strings.Builder
	b.WriteString("^")
	if !anchored {
		b.WriteString("(?:.*/)?")
	}
	last := len(segs) - 1
	for i, seg := range segs {
		globstar := len(seg) == 2 && seg[0].kind == '*' && seg[1].kind == '*'
		switch {
		case globstar && i == last:
			// "a/**" matches everything inside a; "**" alone everything.
			if i == 0 {
				b.WriteString(".*")
			} else {
				b.WriteString(".+")
			}
			b.WriteString("$")
			return regexp.MustCompile(b.String()), warn, nil
		case globstar:
			// "**/" matches zero or more directories.
			b.WriteString("(?:.*/)?")
			continue
		}
		for j := 0; j < len(seg); j++ {
			t := seg[j]
			switch t.kind {
			case '*':
				for j+1 < len(seg) && seg[j+1].kind == '*' {
					j++ // "a**b" is the same as "a*b" within a segment
				}
				b.WriteString("[^/]*")
			case '?':
				b.WriteString("[^/]")
			default:
				b.WriteString(regexp.QuoteMeta(string(t.lit)))
			}
		}
		if i < last {
			b.WriteString("/")
		}
	}
	lastSeg := segs[last]
	endsInStar := len(segs) > 1 && len(lastSeg) == 1 && lastSeg[0].kind == '*'
	switch {
	case dirOnly:
		b.WriteString("/.+$")
	case endsInStar:
		b.WriteString("$")
	default:
		b.WriteString("(?:/.*)?$")
	}
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil, "", fmt.Errorf("pattern %q: %w", pattern, err)
	}
	return re, warn, nil
}
