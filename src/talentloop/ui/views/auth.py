"""Sign in and password reset, on Django's auth views with our templates."""

from __future__ import annotations

from django.contrib.auth import views as auth_views


class SignInView(auth_views.LoginView):
    template_name = "ui/auth/login.html"
    redirect_authenticated_user = True


class ResetView(auth_views.PasswordResetView):
    """Email a reset link; the answer is the same whether or not the address is known."""

    template_name = "ui/auth/reset_form.html"
    email_template_name = "ui/auth/reset_email.txt"
    subject_template_name = "ui/auth/reset_subject.txt"
