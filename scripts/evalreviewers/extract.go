package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/thanos-community/mentorbot/pkg/maintainers"
)

// extract derives the evaluation data of one repository from a local clone:
// first-parent merge commits ("Merge pull request #N from owner/branch")
// with who made them, whose PR it was and the paths changed against the
// first parent, and every non-merge commit with its author and paths. Paths
// are reduced to their directories (top-level files and generated files keep
// their names), which is all the reviewer choice looks at, to keep the file
// small. People are named by GitHub login where the history shows it (the
// fork owner of merged branches, no-reply addresses, MAINTAINERS.md),
// otherwise by git name.
func extract(w io.Writer, gitDir, repo, since, maintainersFile string, exclude map[int]bool) error {
	org, _, _ := strings.Cut(repo, "/")
	merges, err := gitLog(gitDir, "--first-parent", "--merges", "--diff-merges=first-parent", "--name-only", "--no-renames",
		"--format=@@%H|%P|%aN|%aE|%aI|%s", "--since="+since, "HEAD")
	if err != nil {
		return err
	}
	commits, err := gitLog(gitDir, "--no-merges", "--name-only", "--no-renames", "--format=@@%H|%aN|%aE|%aI", "--since="+since, "HEAD")
	if err != nil {
		return err
	}
	ids := newIdentities()
	if maintainersFile != "" {
		data, err := os.ReadFile(maintainersFile)
		if err != nil {
			return err
		}
		for _, e := range maintainers.Parse(data).Entries {
			if e.Name != "" && e.Login != "" {
				ids.byName[norm(e.Name)] = e.Login
			}
		}
	}
	type commit struct{ sha, name, email, date string }
	bySHA := map[string]commit{}
	for _, c := range commits {
		f := strings.SplitN(c.head, "|", 4)
		bySHA[f[0]] = commit{f[0], f[1], f[2], f[3]}
		ids.noreply(f[1], f[2])
	}
	for _, m := range merges {
		f := strings.SplitN(m.head, "|", 6)
		ids.noreply(f[2], f[3])
	}
	pull := regexp.MustCompile(`^Merge pull request #(\d+) from ([^/\s]+)/`)
	// First pass: learn logins from the fork owners of merged branches.
	for _, m := range merges {
		f := strings.SplitN(m.head, "|", 6)
		ps := strings.Fields(f[1])
		mm := pull.FindStringSubmatch(f[5])
		if mm == nil || len(ps) < 2 || strings.EqualFold(mm[2], org) {
			continue
		}
		if c, ok := bySHA[ps[1]]; ok {
			ids.learn(c.name, c.email, mm[2])
		}
	}
	var heads []string
	for _, m := range merges {
		if ps := strings.Fields(strings.SplitN(m.head, "|", 6)[1]); len(ps) > 1 {
			heads = append(heads, ps[1])
		}
	}
	headFiles, err := diffTree(gitDir, heads)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# Derived from the public git history of %s since %s (merge commits, commit authors, changed directories). Data only.\n", repo, since)
	fmt.Fprintf(bw, "# M<TAB>merged_at<TAB>pr<TAB>merged_by<TAB>pr_author<TAB>paths<TAB>paths of the PR's head commit | C<TAB>committed_at<TAB>author<TAB>paths | X<TAB>pr (in ../shared/realdata, left out)\n")
	nums := make([]int, 0, len(exclude))
	for n := range exclude {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	for _, n := range nums {
		fmt.Fprintf(bw, "X\t%d\n", n)
	}
	for _, m := range merges {
		f := strings.SplitN(m.head, "|", 6)
		ps := strings.Fields(f[1])
		mm := pull.FindStringSubmatch(f[5])
		if mm == nil || len(ps) < 2 {
			continue
		}
		author := ""
		if c, ok := bySHA[ps[1]]; ok {
			author = ids.id(c.name, c.email)
		}
		if !strings.EqualFold(mm[2], org) {
			author = mm[2]
		}
		fmt.Fprintf(bw, "M\t%s\t%s\t%s\t%s\t%s\t%s\n", f[4][:10], mm[1], ids.id(f[2], f[3]), author, compact(m.files), compact(headFiles[ps[1]]))
	}
	for _, c := range commits {
		f := strings.SplitN(c.head, "|", 4)
		fmt.Fprintf(bw, "C\t%s\t%s\t%s\n", f[3][:10], ids.id(f[1], f[2]), compact(c.files))
	}
	return bw.Flush()
}

// diffTree lists the paths each commit changed against its parent (none
// for a merge), in one git call.
func diffTree(dir string, shas []string) (map[string][]string, error) {
	cmd := exec.Command("git", "--git-dir", dir, "diff-tree", "-r", "--name-only", "--no-renames", "--stdin")
	cmd.Stdin = strings.NewReader(strings.Join(shas, "\n") + "\n")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("git diff-tree: %w: %s", err, errb.String())
	}
	want := map[string]bool{}
	for _, s := range shas {
		want[s] = true
	}
	files := map[string][]string{}
	cur := ""
	for _, line := range strings.Split(out.String(), "\n") {
		switch {
		case want[line]:
			cur = line
		case line != "" && cur != "":
			files[cur] = append(files[cur], line)
		}
	}
	return files, nil
}

type logEntry struct {
	head  string
	files []string
}

func gitLog(dir string, args ...string) ([]logEntry, error) {
	cmd := exec.Command("git", append([]string{"--git-dir", dir, "log"}, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("git log %s: %w: %s", strings.Join(args, " "), err, errb.String())
	}
	var es []logEntry
	for _, line := range strings.Split(out.String(), "\n") {
		switch {
		case strings.HasPrefix(line, "@@"):
			es = append(es, logEntry{head: line[2:]})
		case strings.TrimSpace(line) != "" && len(es) > 0:
			es[len(es)-1].files = append(es[len(es)-1].files, line)
		}
	}
	return es, nil
}

var generated = regexp.MustCompile(`(\.pb\.go|\.pb\.gw\.go|_gen\.go|\.generated\.go|zz_generated[^/]*)$`)

// compact reduces paths to directories ("pkg/store/"), keeping top-level
// and generated files by name, without repeats.
func compact(files []string) string {
	seen := map[string]bool{}
	var out []string
	for _, f := range files {
		p := f
		if strings.Contains(f, "/") && !generated.MatchString(f) {
			p = path.Dir(f) + "/"
		}
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return strings.Join(out, ";")
}

// identities names people by GitHub login when known: MAINTAINERS.md names
// first, then no-reply addresses, then the fork owner most often seen with
// an e-mail address or name (a branch may carry someone else's commits, so
// one sighting is not enough to decide).
type identities struct {
	byName  map[string]string // from MAINTAINERS.md
	emailTo map[string]map[string]int
	nameTo  map[string]map[string]int
	// names counts the git names used with each address: someone without
	// a known login is named by their most used one.
	names map[string]map[string]int
}

func newIdentities() *identities {
	return &identities{byName: map[string]string{}, emailTo: map[string]map[string]int{}, nameTo: map[string]map[string]int{}, names: map[string]map[string]int{}}
}

var noreplyRe = regexp.MustCompile(`^(?:\d+\+)?([A-Za-z0-9-]+)@users\.noreply\.github\.com$`)

// handleRe is a GitHub login with a digit or a dash in it, which a real
// name never has: a single-word name like "Julien" is not taken for one.
var handleRe = regexp.MustCompile(`^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$`)

func (ids *identities) noreply(name, email string) {
	vote(ids.names, strings.ToLower(email), strings.TrimSpace(name))
	if m := noreplyRe.FindStringSubmatch(strings.ToLower(email)); m != nil {
		ids.learn(name, email, m[1])
	}
}

func vote(m map[string]map[string]int, k, login string) {
	if m[k] == nil {
		m[k] = map[string]int{}
	}
	m[k][login]++
}

func (ids *identities) learn(name, email, login string) {
	vote(ids.emailTo, strings.ToLower(email), login)
	vote(ids.nameTo, norm(name), login)
}

func best(votes map[string]int) (string, bool) {
	top, n := "", 0
	for l, c := range votes {
		if c > n || c == n && l < top {
			top, n = l, c
		}
	}
	return top, n > 0
}

func (ids *identities) id(name, email string) string {
	if l, ok := ids.byName[norm(name)]; ok {
		return l
	}
	if m := noreplyRe.FindStringSubmatch(strings.ToLower(email)); m != nil {
		return m[1]
	}
	if l, ok := best(ids.emailTo[strings.ToLower(email)]); ok {
		return l
	}
	if l, ok := best(ids.nameTo[norm(name)]); ok {
		return l
	}
	// Someone whose git name is, with the same address, sometimes their
	// handle ("beorn7") is named by it.
	var handles []string
	for n := range ids.names[strings.ToLower(email)] {
		if handleRe.MatchString(n) && strings.ContainsAny(n, "0123456789-") {
			handles = append(handles, n)
		}
	}
	if len(handles) == 1 {
		return handles[0]
	}
	if n, ok := best(ids.names[strings.ToLower(email)]); ok {
		name = n
	}
	return "~" + strings.ReplaceAll(strings.TrimSpace(name), " ", "_")
}

func norm(name string) string { return strings.ToLower(strings.Join(strings.Fields(name), " ")) }
