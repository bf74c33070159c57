package io.hotpath.user;

/** The signed-in user as the API returns it ({@code {"user": ...}}). */
public record UserView(String email, String token, String username, String bio, String image) {}
