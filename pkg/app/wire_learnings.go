package app

// wireLearnings adds the learnings jobs.
func (a *App) wireLearnings(js *jobSet) {}
