package dashboard

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

var (
	titleRe  = regexp.MustCompile(`^title "[^"]*"$`)
	xAxisRe  = regexp.MustCompile(`^x-axis \[("[^"]*"(, "[^"]*")*)?\]$`)
	yAxisRe  = regexp.MustCompile(`^y-axis "[^"]*" (-?[0-9.]+) --> (-?[0-9.]+)$`)
	seriesRe = regexp.MustCompile(`^(bar|line) \[(.*)\]$`)
)

// checkMermaid checks a ```mermaid block of the xychart-beta form that
// Chart.Mermaid writes, as mermaid's grammar reads it: the header, one
// title, one x-axis of quoted categories, one y-axis with a label and a
// range min --> max (min < max), and bar or line series of numbers, one per
// category. It is a syntax check of that form, not of all of mermaid.
func checkMermaid(block string) error {
	lines := strings.Split(strings.TrimSpace(block), "\n")
	if len(lines) < 2 || lines[0] != "```mermaid" || lines[len(lines)-1] != "```" {
		return fmt.Errorf("not a fenced mermaid block")
	}
	lines = lines[1 : len(lines)-1]
	if strings.TrimSpace(lines[0]) != "xychart-beta" {
		return fmt.Errorf("line 1: want xychart-beta, got %q", lines[0])
	}
	categories, series := -1, 0
	var title, yAxis bool
	for i, raw := range lines[1:] {
		n := i + 2
		l := strings.TrimSpace(raw)
		switch {
		case strings.HasPrefix(l, "title "):
			if title || !titleRe.MatchString(l) {
				return fmt.Errorf("line %d: bad or second title %q", n, l)
			}
			title = true
		case strings.HasPrefix(l, "x-axis "):
			m := xAxisRe.FindStringSubmatch(l)
			if m == nil || categories >= 0 {
				return fmt.Errorf("line %d: bad or second x-axis %q", n, l)
			}
			categories = 0
			if m[1] != "" {
				categories = strings.Count(m[1], `", "`) + 1
			}
		case strings.HasPrefix(l, "y-axis "):
			m := yAxisRe.FindStringSubmatch(l)
			if m == nil || yAxis {
				return fmt.Errorf("line %d: bad or second y-axis %q", n, l)
			}
			lo, err1 := strconv.ParseFloat(m[1], 64)
			hi, err2 := strconv.ParseFloat(m[2], 64)
			if err1 != nil || err2 != nil || lo >= hi {
				return fmt.Errorf("line %d: y-axis range %s --> %s", n, m[1], m[2])
			}
			yAxis = true
		default:
			m := seriesRe.FindStringSubmatch(l)
			if m == nil {
				return fmt.Errorf("line %d: unknown statement %q", n, l)
			}
			vals := strings.Split(m[2], ", ")
			if m[2] == "" {
				vals = nil
			}
			for _, v := range vals {
				if _, err := strconv.ParseFloat(v, 64); err != nil {
					return fmt.Errorf("line %d: %q is not a number", n, v)
				}
			}
			if categories >= 0 && len(vals) != categories {
				return fmt.Errorf("line %d: %d values for %d categories", n, len(vals), categories)
			}
			series++
		}
	}
	if categories < 0 || !yAxis || series == 0 {
		return fmt.Errorf("want an x-axis, a y-axis and at least one series")
	}
	return nil
}
