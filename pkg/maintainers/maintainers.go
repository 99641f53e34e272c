// Package maintainers reads MAINTAINERS.md in the formats the Thanos and
// Prometheus organisations use, and says which maintainers look after the
// paths a pull request touches.
//
// Three formats are understood, as found in the real files:
//
//   - Prometheus: nested bullets naming areas in backticks, each person as
//     "Name (<email> / @handle)"; nesting builds the path ("`storage`" >
//     "`remote`" is storage/remote). Bullets without an area, under a
//     "General maintainers:" label, are general maintainers.
//   - Alertmanager: flat bullets "* Name <email> @handle".
//   - Thanos: Markdown tables with a GitHub column of "[@login](https://github.com/login)".
//
// Sections are classified by their heading (or a paragraph ending in ":"):
// emeritus, former and release-coordinator sections are not maintainers;
// triage sections give the triage role; anything else is a maintainer.
package maintainers

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Role is what a person does for the project.
type Role string

const (
	// RoleMaintainer can merge and is responsible for the code.
	RoleMaintainer Role = "maintainer"
	// RoleTriage triages issues and pull requests.
	RoleTriage Role = "triage"
)

// Entry is one person listed in MAINTAINERS.md.
type Entry struct {
	// Login is the GitHub login without "@".
	Login string
	// Name as written, when the file gives one.
	Name string
	// Areas are the path-like areas this person looks after ("tsdb",
	// "storage/remote"); empty for general maintainers.
	Areas []string
	Role  Role
	// Line is where the person is first listed (1-based).
	Line int
}

// Problem is something in the file that a reader should fix.
type Problem struct {
	Line int
	Msg  string
}

func (p Problem) String() string { return fmt.Sprintf("line %d: %s", p.Line, p.Msg) }

// List is a parsed MAINTAINERS.md.
type List struct {
	Entries  []Entry
	Problems []Problem
}

// Match is a maintainer relevant to a set of touched paths.
type Match struct {
	Entry Entry
	// Areas of the entry that cover at least one touched path.
	Areas []string
	// Paths are the touched paths those areas cover.
	Paths []string
	// General is true for a general maintainer (no area), offered as a
	// lower-relevance fallback.
	General bool
}

// ForPaths returns the maintainers whose area covers a touched path, most
// paths first, followed by the general maintainers. An area covers a path if
// it is the path or one of its parent directories ("tsdb" covers
// "tsdb/head.go"; "documentation/examples/remote_storage" covers files below
// it). Triage members are not maintainers of areas and are not returned.
func (l *List) ForPaths(paths []string) []Match {
	if l == nil {
		return nil
	}
	var specific, general []Match
	for _, e := range l.Entries {
		if e.Role != RoleMaintainer {
			continue
		}
		if len(e.Areas) == 0 {
			general = append(general, Match{Entry: e, General: true})
			continue
		}
		m := Match{Entry: e}
		seenPath := map[string]bool{}
		for _, a := range e.Areas {
			hit := false
			for _, p := range paths {
				if Covers(a, p) {
					hit = true
					if !seenPath[p] {
						seenPath[p] = true
						m.Paths = append(m.Paths, p)
					}
				}
			}
			if hit {
				m.Areas = append(m.Areas, a)
			}
		}
		if len(m.Areas) > 0 {
			specific = append(specific, m)
		}
	}
	sort.SliceStable(specific, func(i, j int) bool { return len(specific[i].Paths) > len(specific[j].Paths) })
	return append(specific, general...)
}

// Covers reports whether area is path or one of its parent directories.
func Covers(area, path string) bool {
	area = strings.Trim(area, "/")
	path = strings.TrimPrefix(path, "/")
	if area == "" {
		return false
	}
	return path == area || strings.HasPrefix(path, area+"/")
}

var (
	headingRe = regexp.MustCompile(`^(#{1,6})\s+(.*?)\s*#*\s*$`)
	bulletRe  = regexp.MustCompile(`^(\s*)[*+-]\s+(.*)$`)
	// A handle is "@login" not preceded by a word character, so the "@" of
	// an e-mail address is not taken for one.
	handleRe = regexp.MustCompile(`(^|[^A-Za-z0-9._%+-])@([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\b`)
	areaRe   = regexp.MustCompile("`([^`]+)`")
	// Markdown link to a GitHub profile: [text](https://github.com/login).
	linkRe    = regexp.MustCompile(`\[([^\]]*)\]\(\s*https?://(?:www\.)?github\.com/([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))/?\s*\)`)
	loginText = regexp.MustCompile(`^@?([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))$`)
)

// classify returns the role a section heading implies, or ok=false when the
// heading says nothing about roles. skip is true for people who are listed
// but are not (or no longer) reviewers.
func classify(title string) (role Role, skip bool, ok bool) {
	t := strings.ToLower(title)
	switch {
	case strings.Contains(t, "emeritus"), strings.Contains(t, "former"), strings.Contains(t, "alumni"),
		strings.Contains(t, "past "), strings.Contains(t, "initial author"):
		return "", true, true
	case strings.Contains(t, "release coordinator"), strings.Contains(t, "release shepherd"):
		return "", true, true
	case strings.Contains(t, "triage"):
		return RoleTriage, false, true
	case strings.Contains(t, "maintainer"):
		return RoleMaintainer, false, true
	}
	return "", false, false
}

type section struct {
	role Role
	skip bool
}

type areaFrame struct {
	indent int
	area   string
}

// Parse reads MAINTAINERS.md. It never fails; rows it cannot read and rows
// that contradict themselves are reported in Problems.
func Parse(data []byte) *List {
	p := &parser{list: &List{}, index: map[string]int{}}
	p.run(strings.Split(string(data), "\n"))
	return p.list
}

type parser struct {
	list  *List
	index map[string]int // lower-case login -> Entries index

	headings []section // by heading level, 1-based; index 0 is the file
	label    *section  // a "Something:" paragraph under the current heading
	areas    []areaFrame

	tableHeader []string
}

func (p *parser) current() section {
	if p.label != nil {
		return *p.label
	}
	for i := len(p.headings) - 1; i >= 0; i-- {
		if p.headings[i].role != "" || p.headings[i].skip {
			return p.headings[i]
		}
	}
	return section{role: RoleMaintainer}
}

func (p *parser) run(lines []string) {
	p.headings = []section{{role: RoleMaintainer}}
	for i, raw := range lines {
		n := i + 1
		line := strings.TrimRight(raw, "\r")
		trimmed := strings.TrimSpace(line)
		if !strings.HasPrefix(trimmed, "|") {
			p.tableHeader = nil
		}
		switch {
		case trimmed == "":
			continue
		case headingRe.MatchString(trimmed):
			m := headingRe.FindStringSubmatch(trimmed)
			level := len(m[1])
			for len(p.headings) > level {
				p.headings = p.headings[:len(p.headings)-1]
			}
			for len(p.headings) < level {
				p.headings = append(p.headings, section{})
			}
			role, skip, ok := classify(m[2])
			s := section{}
			if ok {
				s = section{role: role, skip: skip}
			}
			p.headings = append(p.headings, s)
			p.label = nil
			p.areas = nil
		case strings.HasPrefix(trimmed, "|"):
			p.tableRow(n, trimmed)
		case bulletRe.MatchString(line):
			m := bulletRe.FindStringSubmatch(line)
			p.bullet(n, len(strings.ReplaceAll(m[1], "\t", "    ")), m[2])
		case strings.HasSuffix(trimmed, ":"):
			// A label paragraph such as "General maintainers:" or
			// "v3 release coordinators:" scopes the list that follows.
			if role, skip, ok := classify(trimmed); ok {
				p.label = &section{role: role, skip: skip}
			} else {
				p.label = nil
			}
			p.areas = nil
		default:
			// Prose ends a bullet list's area nesting but not its section.
			p.areas = nil
		}
	}
}

func (p *parser) bullet(n, indent int, text string) {
	for len(p.areas) > 0 && p.areas[len(p.areas)-1].indent >= indent {
		p.areas = p.areas[:len(p.areas)-1]
	}
	sec := p.current()
	// Areas are the backticked words before the first ":"; "`cmd`" alone
	// is a parent area for the nested bullets under it.
	head, people, hasColon := strings.Cut(text, ":")
	var area string
	if strings.Contains(head, "`") {
		var parts []string
		for _, m := range areaRe.FindAllStringSubmatch(head, -1) {
			parts = append(parts, strings.Trim(strings.TrimSpace(m[1]), "/"))
		}
		if len(parts) > 0 {
			area = parts[0]
			if len(parts) > 1 && hasColon {
				p.list.Problems = append(p.list.Problems, Problem{Line: n, Msg: fmt.Sprintf("several areas %q in one bullet; using %q", parts, area)})
			}
		}
	}
	if area == "" {
		// A person bullet with no area: a general maintainer or a flat list.
		p.addPeople(n, text, "", sec)
		return
	}
	full := area
	if len(p.areas) > 0 {
		full = p.areas[len(p.areas)-1].area + "/" + area
	}
	p.areas = append(p.areas, areaFrame{indent: indent, area: full})
	if hasColon {
		p.addPeople(n, people, full, sec)
	}
}

// addPeople finds every "@handle" in text and the name written before it.
// It copes with the real file's "Name (<email> / @a, Other (<email> / @b)"
// where a closing parenthesis is missing.
func (p *parser) addPeople(n int, text, area string, sec section) {
	if sec.skip {
		return
	}
	// Profile links first (a bullet may use the table's link style).
	if linkRe.MatchString(text) {
		for _, m := range linkRe.FindAllStringSubmatch(text, -1) {
			if login := p.linkLogin(n, m[1], m[2]); login != "" {
				p.add(Entry{Login: login, Role: sec.role, Line: n}, area)
			}
		}
		return
	}
	prev := 0
	for _, m := range handleRe.FindAllStringSubmatchIndex(text, -1) {
		login := text[m[4]:m[5]]
		name := nameBefore(text[prev:m[4]])
		prev = m[5]
		p.add(Entry{Login: login, Name: name, Role: sec.role, Line: n}, area)
	}
}

// nameBefore extracts "Jesús Vázquez" from ", Jesús Vázquez (<e-mail> / ".
func nameBefore(s string) string {
	if i := strings.IndexAny(s, "(<"); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimLeft(s, " \t),;")
	s = strings.TrimPrefix(s, "and ")
	return strings.TrimSpace(strings.TrimRight(s, " \t,;-/"))
}

func (p *parser) tableRow(n int, row string) {
	cells := strings.Split(strings.Trim(row, "|"), "|")
	for i := range cells {
		cells[i] = strings.TrimSpace(cells[i])
	}
	if p.tableHeader == nil {
		p.tableHeader = cells
		return
	}
	if isSeparator(cells) {
		return
	}
	sec := p.current()
	if sec.skip {
		return
	}
	col, nameCol := -1, -1
	for i, h := range p.tableHeader {
		switch strings.ToLower(h) {
		case "github":
			col = i
		case "name":
			nameCol = i
		}
	}
	name := ""
	if nameCol >= 0 && nameCol < len(cells) {
		name = cells[nameCol]
	}
	var candidates []string
	if col >= 0 {
		if col < len(cells) {
			candidates = []string{cells[col]}
		}
	} else {
		// No GitHub column: only profile links count, never the
		// backticked Slack handles of other columns.
		candidates = cells
	}
	for _, c := range candidates {
		for _, m := range linkRe.FindAllStringSubmatch(c, -1) {
			if login := p.linkLogin(n, m[1], m[2]); login != "" {
				p.add(Entry{Login: login, Name: name, Role: sec.role, Line: n}, "")
			}
		}
		if col >= 0 && !linkRe.MatchString(c) {
			if m := loginText.FindStringSubmatch(c); m != nil {
				p.add(Entry{Login: m[1], Name: name, Role: sec.role, Line: n}, "")
			} else if c != "" {
				p.list.Problems = append(p.list.Problems, Problem{Line: n, Msg: fmt.Sprintf("no GitHub login in %q", c)})
			}
		}
	}
}

// linkLogin decides the login of "[text](https://github.com/target)".
//
// When the two disagree we trust the link text. In the real Thanos file the
// row "Craig Ringer | @Craig Ringer | [@ringerc](https://github.com/MichaHoffmann)"
// has the text matching the person's name and Slack handle, while the target
// is another maintainer's profile, listed in the table above: a copy-paste
// slip in the URL, the part readers do not see and reviewers do not check.
// The text is what the maintainers wrote and reviewed. The disagreement is
// still reported as a Problem, and the reviewer choice only ever suggests
// logins that GitHub confirms can review, so a wrong guess stays private.
func (p *parser) linkLogin(n int, text, target string) string {
	m := loginText.FindStringSubmatch(strings.TrimSpace(text))
	if m == nil {
		// The text is a name, not a login: the target is all we have.
		return target
	}
	if !strings.EqualFold(m[1], target) {
		p.list.Problems = append(p.list.Problems, Problem{Line: n, Msg: fmt.Sprintf("link text @%s points to github.com/%s; trusting the text", m[1], target)})
	}
	return m[1]
}

func isSeparator(cells []string) bool {
	for _, c := range cells {
		if strings.Trim(c, ":- ") != "" {
			return false
		}
	}
	return true
}

// add merges entries for the same login (GitHub logins are case-insensitive):
// areas accumulate, and the maintainer role wins over triage.
func (p *parser) add(e Entry, area string) {
	key := strings.ToLower(e.Login)
	i, ok := p.index[key]
	if !ok {
		if area != "" {
			e.Areas = []string{area}
		}
		p.index[key] = len(p.list.Entries)
		p.list.Entries = append(p.list.Entries, e)
		return
	}
	cur := &p.list.Entries[i]
	if cur.Name == "" {
		cur.Name = e.Name
	}
	if e.Role == RoleMaintainer {
		cur.Role = RoleMaintainer
	}
	if area != "" {
		for _, a := range cur.Areas {
			if a == area {
				return
			}
		}
		cur.Areas = append(cur.Areas, area)
	}
}
