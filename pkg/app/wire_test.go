package app

import (
	"testing"

	"github.com/thanos-community/mentorbot/pkg/commands"
	"github.com/thanos-community/mentorbot/pkg/server"
)

// Every documented command is run by exactly one job, and every command a
// job runs is documented: commands.Specs stays the one list of commands
// and of who may use them (the help and the refusals quote it).
func TestEveryCommandHasOneJob(t *testing.T) {
	a := &App{metrics: server.NewMetrics()}
	jobs := map[commands.Name]int{}
	for _, j := range a.wireAll().commands {
		for _, n := range j.Commands() {
			if _, ok := commands.Lookup(n); !ok {
				t.Errorf("a job runs /%s, which commands.Specs does not document", n)
			}
			jobs[n]++
		}
	}
	for _, s := range commands.Specs() {
		if jobs[s.Name] != 1 {
			t.Errorf("/%s is run by %d jobs, want 1", s.Name, jobs[s.Name])
		}
	}
}
