"""The pages of the reviews app, by audience: `expert` (queue, declaration, application, score sheet,
consensus), `office` (stages, boards, assignment, ranking, candidate list, overrides) and `records` (the stages
recorded rather than scored: gates, department sign-offs, site visits, defence sessions)."""
