package mentees

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/thanos-community/mentorbot/pkg/policy"
)

// closingRE matches GitHub's closing keywords followed by one issue
// reference: "#N", "owner/repo#N" or an issue URL. GitHub allows a colon
// after the keyword ("Fixes: #12") and compares keywords case-insensitively.
var closingRE = regexp.MustCompile(`(?i)\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?):?[ \t]+` +
	`(?:https?://[^\s/]+/([A-Za-z0-9][A-Za-z0-9-]*)/([A-Za-z0-9._-]+)/issues/([0-9]+)` +
	`|(?:([A-Za-z0-9][A-Za-z0-9-]*)/([A-Za-z0-9._-]+))?#([0-9]+))`)

var (
	htmlCommentRE = regexp.MustCompile(`(?s)<!--.*?(?:-->|$)`)
	inlineCodeRE  = regexp.MustCompile("`[^`\n]*`")
)

// maxClosingRefs bounds how many referenced issues a PR body may make the
// bot read; a body listing hundreds of issues is not a mentee task.
const maxClosingRefs = 10

// ClosingRefs returns the issues a pull request body closes, in order and
// without repeats: `fixes #N` (an issue of owner/repo, the PR's repository),
// `closes other/repo#N` and `resolves https://github.com/o/r/issues/N`, with
// every keyword GitHub accepts (close, closes, closed, fix, fixes, fixed,
// resolve, resolves, resolved). Text GitHub does not render as prose is
// ignored: HTML comments (PR templates are full of them), fenced code
// blocks and inline code.
func ClosingRefs(body, owner, repo string) []policy.IssueRef {
	text := visibleText(body)
	var out []policy.IssueRef
	seen := map[string]bool{}
	for _, m := range closingRE.FindAllStringSubmatchIndex(text, -1) {
		// A reference ends at the number: "#12abc" or "#12/x" is not one.
		if end := m[1]; end < len(text) {
			c := text[end]
			if c == '_' || c == '/' || ('0' <= c && c <= '9') || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') {
				continue
			}
		}
		group := func(i int) string {
			if m[2*i] < 0 {
				return ""
			}
			return text[m[2*i]:m[2*i+1]]
		}
		ref := policy.IssueRef{Owner: owner, Repo: repo}
		num := group(6)
		switch {
		case group(3) != "": // URL
			ref.Owner, ref.Repo, num = group(1), group(2), group(3)
		case group(4) != "": // owner/repo#N
			ref.Owner, ref.Repo = group(4), group(5)
		}
		n, err := strconv.Atoi(num)
		if err != nil || n <= 0 {
			continue
		}
		ref.Number = n
		key := strings.ToLower(ref.String())
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, ref)
		if len(out) == maxClosingRefs {
			break
		}
	}
	return out
}

// visibleText drops HTML comments, fenced code blocks and inline code from
// Markdown, keeping line structure.
func visibleText(body string) string {
	body = strings.ReplaceAll(body, "\r\n", "\n")
	body = htmlCommentRE.ReplaceAllString(body, " ")
	var b strings.Builder
	fence := ""
	for _, line := range strings.Split(body, "\n") {
		t := strings.TrimLeft(line, " ")
		if fence != "" {
			if strings.HasPrefix(t, fence) && strings.TrimSpace(strings.TrimLeft(t, fence[:1])) == "" {
				fence = ""
			}
			b.WriteByte('\n')
			continue
		}
		if f := fenceOpener(t); f != "" && len(line)-len(t) < 4 {
			fence = f
			b.WriteByte('\n')
			continue
		}
		b.WriteString(inlineCodeRE.ReplaceAllString(line, " "))
		b.WriteByte('\n')
	}
	return b.String()
}

// fenceOpener returns the fence ("```" or "~~~", possibly longer) a line
// opens, or "".
func fenceOpener(t string) string {
	for _, c := range []string{"`", "~"} {
		n := len(t) - len(strings.TrimLeft(t, c))
		if n >= 3 {
			return strings.Repeat(c, n)
		}
	}
	return ""
}
