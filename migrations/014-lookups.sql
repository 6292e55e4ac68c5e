-- Version 12 -> 13: two lookups that read far more than they find (issue 12: a million claims).
--
-- Recording a claim first asks whether the same claimant already has a claim at the same
-- span of the same source (and anchoring asks which claims stand at a span). An index on
-- the source alone answered that by reading every appearance in the source, one random
-- table page each: at a million claims over a thousand sources, a thousand pages and about
-- 30 ms of a 45 ms `claim add`. Keyed on the span, it is one index lookup; lookups by
-- source alone use the same index's first column.
DROP INDEX appearances_by_source;
CREATE INDEX appearances_by_source ON appearances (source, start, end);

-- The parties merged into a party: `audit`, the exports and the report ask for them once
-- per claim, which read every party. Only merged parties are in this index.
CREATE INDEX parties_by_merged_into ON parties (merged_into) WHERE merged_into IS NOT NULL;
