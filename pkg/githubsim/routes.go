package githubsim

import (
	"net/http"
	"strconv"
)

// routes maps operationIds (from operations.tsv) to their handlers. To add an
// endpoint, find its operationId in operations.tsv and add it here.
func (s *Server) routes() map[string]handler {
	inst := func(fn func(*call) reply) handler { return handler{auth: authInstallation, fn: fn} }
	app := func(fn func(*call) reply) handler { return handler{auth: authApp, fn: fn} }
	return map[string]handler{
		// Apps (JWT) and installations.
		"apps/get-authenticated":                     app(s.getApp),
		"apps/list-installations":                    app(s.listInstallations),
		"apps/get-installation":                      app(s.getInstallation),
		"apps/create-installation-access-token":      app(s.createToken),
		"apps/get-repo-installation":                 app(s.getRepoInstallation),
		"apps/get-org-installation":                  app(s.getOrgInstallation),
		"apps/get-user-installation":                 app(s.getUserInstallation),
		"apps/list-webhook-deliveries":               app(s.listDeliveries),
		"apps/get-webhook-delivery":                  app(s.getDelivery),
		"apps/redeliver-webhook-delivery":            {auth: authApp, fn: s.redeliver, unlocked: true},
		"apps/create-from-manifest":                  {auth: authNone, fn: s.convertManifest},
		"apps/list-repos-accessible-to-installation": inst(s.listInstallationRepos),
		"rate-limit/get":                             {auth: authNone, fn: s.getRateLimit},

		// Repositories.
		"repos/get":                               inst(s.getRepo),
		"repos/get-content":                       inst(s.getContent),
		"repos/list-commits":                      inst(s.listCommits),
		"repos/get-commit":                        inst(s.getCommit),
		"repos/check-collaborator":                inst(s.checkCollaborator),
		"repos/get-collaborator-permission-level": inst(s.getPermission),
		"repos/list-collaborators":                inst(s.listCollaborators),

		// Issues, comments, labels, assignees.
		"issues/get":                                 inst(s.getIssue),
		"issues/create":                              inst(s.createIssue),
		"issues/update":                              inst(s.updateIssue),
		"issues/list-for-repo":                       inst(s.listIssues),
		"issues/list-comments":                       inst(s.listComments),
		"issues/list-comments-for-repo":              inst(s.listRepoComments),
		"issues/get-comment":                         inst(s.getComment),
		"issues/create-comment":                      inst(s.createComment),
		"issues/update-comment":                      inst(s.updateComment),
		"issues/delete-comment":                      inst(s.deleteComment),
		"issues/list-labels-for-repo":                inst(s.listRepoLabels),
		"issues/get-label":                           inst(s.getLabel),
		"issues/create-label":                        inst(s.createLabel),
		"issues/update-label":                        inst(s.updateLabel),
		"issues/delete-label":                        inst(s.deleteLabel),
		"issues/list-labels-on-issue":                inst(s.listIssueLabels),
		"issues/add-labels":                          inst(s.addIssueLabels),
		"issues/set-labels":                          inst(s.setIssueLabels),
		"issues/remove-label":                        inst(s.removeIssueLabel),
		"issues/remove-all-labels":                   inst(s.removeAllIssueLabels),
		"issues/add-assignees":                       inst(s.addAssignees),
		"issues/remove-assignees":                    inst(s.removeAssignees),
		"issues/check-user-can-be-assigned":          inst(s.checkAssignable),
		"issues/check-user-can-be-assigned-to-issue": inst(s.checkAssignableToIssue),
		"issues/list-assignees":                      inst(s.listAssignees),
		"issues/list-events":                         inst(s.listIssueEvents),
		"issues/list-events-for-timeline":            inst(s.listTimeline),

		// Pull requests.
		"pulls/list":                       inst(s.listPulls),
		"pulls/get":                        inst(s.getPull),
		"pulls/list-files":                 inst(s.listPullFiles),
		"pulls/list-commits":               inst(s.listPullCommits),
		"pulls/list-reviews":               inst(s.listReviews),
		"pulls/get-review":                 inst(s.getReview),
		"pulls/list-review-comments":       inst(s.listReviewComments),
		"pulls/list-requested-reviewers":   inst(s.listRequestedReviewers),
		"pulls/request-reviewers":          inst(s.requestReviewers),
		"pulls/remove-requested-reviewers": inst(s.removeRequestedReviewers),

		// Organisations, teams, users.
		"orgs/check-membership-for-user": inst(s.checkMembership),
		"orgs/list-members":              inst(s.listMembers),
		"teams/list":                     inst(s.listTeams),
		"teams/list-members-in-org":      inst(s.listTeamMembers),
		"users/get-by-username":          inst(s.getUser),

		// Search.
		"search/issues-and-pull-requests": inst(s.searchIssues),
	}
}

// repo finds the {owner}/{repo} of the request, as the caller may see it:
// repositories outside the installation are 404, as on GitHub.
func (c *call) repo() (*repo, *reply) {
	r := c.s.st.repo(c.params["owner"] + "/" + c.params["repo"])
	if r == nil || c.inst == nil || !c.s.canSee(c.inst, r) {
		rp := notFound()
		return nil, &rp
	}
	return r, nil
}

// issue finds {issue_number} (or {pull_number}) in r; pulls only if pull.
// repoIssue resolves the repository and then the issue (or, with pull, the
// pull request) named by the path parameter, as most issue routes need.
func (c *call) repoIssue(param string, pull bool) (*repo, *issueRec, *reply) {
	r, rp := c.repo()
	if rp != nil {
		return nil, nil, rp
	}
	is, rp := c.issue(r, param, pull)
	return r, is, rp
}

func (c *call) issue(r *repo, param string, pull bool) (*issueRec, *reply) {
	n, err := strconv.Atoi(c.params[param])
	is := r.issues[n]
	if err != nil || is == nil || (pull && !is.isPR) {
		rp := notFound()
		return nil, &rp
	}
	return is, nil
}

func (c *call) int64Param(name string) (int64, *reply) {
	n, err := strconv.ParseInt(c.params[name], 10, 64)
	if err != nil {
		rp := notFound()
		return 0, &rp
	}
	return n, nil
}

// botLogin is who writes through an installation token.
func (c *call) botLogin() string { return c.s.BotLogin() }

func status(code int) reply { return reply{status: code} }

var _ http.Handler = (*Server)(nil)
