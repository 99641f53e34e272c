// Command evalreviewers measures mentorbot's reviewer choice on real
// history ("make eval-reviewers"): for merged pull requests of
// thanos-io/thanos and prometheus/prometheus, it asks the real Choose, fed
// only with what came before each PR, whom it would suggest, and counts how
// often that includes the person who merged it. Two baselines are measured
// on the same PRs. With -extract it regenerates the data from a clone.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
)

func main() {
	var (
		doExtract   = flag.Bool("extract", false, "derive a data file from a git clone instead of evaluating")
		gitDir      = flag.String("git", "", "with -extract: the clone's git directory")
		repo        = flag.String("repo", "", "with -extract: owner/name")
		since       = flag.String("since", "2025-06-01", "with -extract: first day of history")
		maintFile   = flag.String("maintainers", "", "with -extract: MAINTAINERS.md, to name maintainers by login")
		excludeFile = flag.String("exclude", "", "with -extract: a realdata *-pr-files.tsv whose PRs are left out of the evaluation")
		dataDir     = flag.String("data", "scripts/evalreviewers/testdata", "directory of the data files")
		verbose     = flag.Bool("v", false, "print every PR")
	)
	flag.Parse()
	if *doExtract {
		ex, err := readExclude(*excludeFile)
		if err == nil {
			err = extract(os.Stdout, *gitDir, *repo, *since, *maintFile, ex)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "evalreviewers:", err)
			os.Exit(1)
		}
		return
	}
	if err := evaluate(os.Stdout, *dataDir, *verbose); err != nil {
		fmt.Fprintln(os.Stderr, "evalreviewers:", err)
		os.Exit(1)
	}
}

// readExclude reads the PR numbers (second column) of a realdata TSV.
func readExclude(file string) (map[int]bool, error) {
	out := map[int]bool{}
	if file == "" {
		return out, nil
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		cols := strings.Split(s.Text(), "\t")
		if len(cols) > 1 {
			if n, err := strconv.Atoi(cols[1]); err == nil {
				out[n] = true
			}
		}
	}
	return out, s.Err()
}
