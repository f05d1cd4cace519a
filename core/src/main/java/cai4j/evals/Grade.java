package cai4j.evals;

import com.fasterxml.jackson.annotation.JsonValue;

/** The outcome of grading one response. A grader error is neither a pass nor a fail. */
public enum Grade {
    PASS("pass"), FAIL("fail"), GRADER_ERROR("grader_error");

    private final String json;

    Grade(String json) { this.json = json; }

    @JsonValue
    public String json() { return json; }
}
