package org.gridroute;

import java.util.Arrays;
import java.util.List;

/**
 * The numbers of cells in one snapshot of an engine's bundle, from {@link Engine#findCells(List)}: an issue
 * that carries its cell's number ({@link Issue#withCellNumber(int, long)}) is routed without its cell id
 * being looked up. The numbers belong to their {@link #generation()}: after {@link Engine#reload} the
 * engine has a new generation and an issue with a number of the old one is routed by its cell id, or
 * rejected when it gives none. Look the numbers up again after a reload.
 */
public final class CellNumbers {
    /** The number of an id the snapshot does not have (GRIDROUTE_UNIT_NONE). */
    public static final int NONE = -1;

    private final int[] numbers;
    private final long generation;

    CellNumbers(int[] numbers, long generation) {
        this.numbers = numbers;
        this.generation = generation;
    }

    /** How many ids were looked up. */
    public int size() {
        return numbers.length;
    }

    /** The number of the {@code i}-th id, or {@link #NONE} when the snapshot has no unit of that id. */
    public int number(int i) {
        return numbers[i];
    }

    /** The numbers, in the order of the ids (a copy). */
    public int[] numbers() {
        return numbers.clone();
    }

    /** The snapshot the numbers belong to (never 0); compare it to a later lookup's to see a reload. */
    public long generation() {
        return generation;
    }

    /** {@code issue} with the {@code i}-th id's number and this generation. */
    public Issue apply(int i, Issue issue) {
        return issue.withCellNumber(numbers[i], generation);
    }

    @Override
    public String toString() {
        return "CellNumbers[generation=" + Long.toUnsignedString(generation) + ", numbers="
                + Arrays.toString(numbers) + "]";
    }
}
