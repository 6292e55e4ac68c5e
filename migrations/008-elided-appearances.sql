-- Version 7 -> 8: elided quotes. An appearance whose quote leaves words out ("We will
-- rebuild ... before winter") records the whole span from its first fragment to its last
-- (start, end, exact as before) and here the fragments it matched, as the journal entry
-- holds them: a JSON array of {"start": N, "end": N} code-point spans. NULL for a quote
-- anchored whole, which is every appearance recorded before this version.
ALTER TABLE appearances ADD COLUMN fragments TEXT;
