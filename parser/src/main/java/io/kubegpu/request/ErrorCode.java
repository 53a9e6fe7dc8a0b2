package io.kubegpu.request;

/**
 * Stable, machine-readable codes for every way a GPU request string can be wrong.
 *
 * <p>The names are part of the command-line and HTTP contracts: tools match on them, so a code is
 * never renamed or reused for a different rule. Add new codes at the end.
 */
public enum ErrorCode {
    /** Nothing but whitespace. */
    EMPTY,
    /** Longer than {@link GrammarConfig#MAX_INPUT_LENGTH} characters. */
    TOO_LONG,
    /** A control character (other than tab) anywhere in the input. */
    CONTROL_CHARACTER,
    /** A character that is not ASCII even after NFKC normalization, e.g. Arabic-Indic digits. */
    NON_ASCII,
    /** An amount of zero: {@code 0}, {@code 0.0}, {@code 0G}. */
    ZERO_AMOUNT,
    /** A leading {@code +} or {@code -}. */
    SIGN_NOT_ALLOWED,
    /** Scientific notation such as {@code 1e2}. */
    EXPONENT_NOT_ALLOWED,
    /** Hexadecimal such as {@code 0x2}. */
    HEX_NOT_ALLOWED,
    /** Digit separators such as {@code 1_000}. */
    UNDERSCORE_NOT_ALLOWED,
    /** {@code NaN}, {@code Inf}, {@code Infinity}. */
    NOT_A_NUMBER,
    /** A number that is not of the form {@code 123} or {@code 12.5}: {@code .5}, {@code 5.}, {@code 1.2.3}. */
    MALFORMED_NUMBER,
    /** Something other than a number where the amount belongs, e.g. {@code V100} or {@code (V100)}. */
    EXPECTED_AMOUNT,
    /** More whole GPUs than the configured maximum. */
    TOO_MANY_GPUS,
    /** A whole-GPU count with a fraction, e.g. {@code 1.5}. */
    FRACTIONAL_GPUS,
    /** A share with more than three decimal places. */
    TOO_MANY_DECIMALS,
    /** A share outside (0, 1) in the {@code MEM,SHARE} form. */
    SHARE_OUT_OF_RANGE,
    /** A memory amount without a unit, e.g. the {@code 8} of {@code 8,0.5}. */
    MISSING_UNIT,
    /** A unit other than G, Gi, GB, M, Mi, MB. */
    UNKNOWN_UNIT,
    /** Memory above 1 TiB. */
    MEMORY_TOO_LARGE,
    /** Memory that is not a whole number of MiB, e.g. {@code 0.3G}. */
    MEMORY_NOT_WHOLE_MIB,
    /** {@code SHARE,MEM} instead of {@code MEM,SHARE}. */
    MEMORY_FIRST,
    /** A two-part body that is not {@code MEM,SHARE}, or more than two parts. */
    MALFORMED_PAIR,
    /** A bracket without its partner. */
    UNBALANCED_BRACKETS,
    /** A bracket inside a bracket. */
    NESTED_BRACKETS,
    /** More than one bracketed spec. */
    MULTIPLE_SPECS,
    /** {@code ()}. */
    EMPTY_SPEC,
    /** An empty part inside a spec: {@code (,V100)}, {@code (nvidia,)}, {@code (A100|)}. */
    EMPTY_SPEC_PART,
    /** Two vendors in one spec: {@code (nvidia,amd)}. */
    MULTIPLE_VENDORS,
    /** More than one model expression: {@code (gpu,V100,A100)}; alternatives are written {@code V100|A100}. */
    MULTIPLE_MODEL_EXPRESSIONS,
    /** A vendor name that is not configured. */
    UNKNOWN_VENDOR,
    /** A model followed by a vendor: {@code (V100,nvidia)}. */
    VENDOR_NOT_FIRST,
    /** A model token with characters other than letters, digits, {@code .}, {@code _}, {@code -}. */
    INVALID_MODEL_TOKEN,
    /** Input left over after a complete request. */
    TRAILING_INPUT
}
