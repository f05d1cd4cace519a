package cai4j.export;

import cai4j.Hash;


/**
 * The held-out split: a row goes to test when the hash of its group falls under the fraction. The
 * choice depends only on the group (the prompt), so it is the same on every export and rows of one
 * prompt never straddle the two splits.
 */
public record Split(double fraction) {
    public Split {
        if (!(fraction >= 0 && fraction < 1)) throw new cai4j.InputError("--split must be at least 0 and below 1 (it is " + fraction + ").");
    }

    public boolean heldOut(Row row) {
        if (fraction == 0) return false;
        long bucket = Long.parseLong(Hash.sha256("split:" + row.group()).substring(0, 8), 16);
        return bucket < fraction * 0x1_0000_0000L;
    }
}
